import { inspect } from 'node:util';
import type { VoiceStack } from '../../src/index.js';
import type { Recorded } from './recorders.js';
import { SPEECH_KEYS } from './speech-secrets.js';

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
