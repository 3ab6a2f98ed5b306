import { isRealtimeModel } from '../config/livekit-instance.js';
import { VoiceStackError } from '../errors/index.js';
import type { VoiceStack } from './voice-stack.js';

/**
 * A realtime mode's model connects when the session starts, too late to pick another mode: open its handshake now
 * (the adapter's health probe), so a refused key, a rate limit or a timeout sends this call to the fallback mode.
 * Does nothing for a stack without a realtime model, or when `timeoutMs` is `false`.
 * @throws {VoiceStackError} `PROVIDER_ERROR` when the handshake failed.
 */
export async function checkRealtimeStart(mode: string, stack: VoiceStack, timeoutMs: number | false): Promise<void> {
  if (timeoutMs === false || !isRealtimeModel(stack.llm)) return;
  const report = await stack.health({ modalities: ['llm'], timeoutMs });
  const failed = report.results.find((result) => result.status === 'failed');
  if (failed)
    throw new VoiceStackError(
      'PROVIDER_ERROR',
      `Failed to start the "${mode}" mode's Realtime session: ${failed.provider}/${failed.model}: ${failed.error ?? 'failed'}. Fix: run \`npx livekit-voice-stack doctor\`.`,
    );
}
