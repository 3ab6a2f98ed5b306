import { inspect } from 'node:util';
import type { VoiceStack } from '../../src/index.js';
import type { Recorded } from './recorders.js';

/** Recognisable fake keys, one per speech provider: none may appear in anything the stack produces. */
export const SPEECH_KEYS = {
  // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
  openai: 'sk' + '-proj-FAKEKEY-openai-speech-0123456789abcdef',
  cartesia: 'sk_car_FAKEKEY-cartesia-0123456789abcdef',
  elevenlabs: 'xi-FAKEKEY-elevenlabs-0123456789abcdef',
  deepgram: 'dgFAKEKEYdeepgram0123456789abcdef0123',
  livekitKey: 'APIFAKEKEYlivekit01',
  livekitSecret: 'FAKESECRETlivekitInference0123456789abcdef',
} as const;

/** Collects every text a fault matrix produces (log lines, event payloads, errors, the stack's own strings). */
export class ProducedText {
  readonly texts: string[] = [];

  /** Event payloads, and each payload's error (and errors) as message, toString(), stack and inspect(). */
  events(events: readonly Recorded[]): void {
    for (const event of events) {
      const payload = event.payload as unknown as Record<string, unknown>;
      this.texts.push(JSON.stringify(payload), inspect(payload, { depth: 10 }));
      const errors = [payload.error, ...((payload.errors as unknown[] | undefined) ?? [])].filter(
        (error): error is Error => error instanceof Error,
      );
      for (const error of errors) this.texts.push(error.message, String(error), error.stack ?? '', inspect(error, { depth: 10 }));
    }
  }

  stack(stack: VoiceStack, lines: readonly string[]): void {
    this.texts.push(...lines, String(stack), JSON.stringify(stack), inspect(stack));
  }

  /** The keys (and their first 16 characters) that occur anywhere; empty when none does. */
  leaks(keys: readonly string[] = Object.values(SPEECH_KEYS)): string[] {
    const all = this.texts.join('\n');
    return keys.filter((key) => all.includes(key) || all.includes(key.slice(0, 16)));
  }

  get all(): string {
    return this.texts.join('\n');
  }
}
