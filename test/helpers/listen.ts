import { stt } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { VoiceStack } from '../../src/index.js';
import { pushFrames, speechLikeFrames } from '../../src/testing/index.js';

/** What a live recognition produced. */
export interface Heard {
  /** Text of the first FINAL_TRANSCRIPT, if one came. */
  final: string | undefined;
  /** Language of that transcript. */
  language: string | undefined;
  /** Every event type, in order. */
  types: stt.SpeechEventType[];
}

/**
 * Streams speech-like audio through `instance.stream()` the way a live call does (frames over time, input left
 * open) and returns once the first final transcript arrives, or after `timeoutMs`.
 */
export async function listen(instance: stt.STT, frames: AudioFrame[] = speechLikeFrames(), timeoutMs = 8_000): Promise<Heard> {
  const stream = instance.stream();
  const heard: Heard = { final: undefined, language: undefined, types: [] };
  const timer = setTimeout(() => stream.close(), timeoutMs);
  const pushing = pushFrames(stream, frames, { pace: 2, end: false }).catch(() => undefined);
  try {
    for await (const event of stream) {
      heard.types.push(event.type);
      if (event.type === stt.SpeechEventType.FINAL_TRANSCRIPT) {
        heard.final = event.alternatives?.[0]?.text;
        heard.language = event.alternatives?.[0]?.language;
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    await pushing;
    stream.close();
  }
  return heard;
}

/** What a stream that is expected to fail produced: its events and the errors its STT emitted. */
export interface Failure {
  events: stt.SpeechEvent[];
  errors: { error: Error & { statusCode?: number; retryable?: boolean }; recoverable: boolean }[];
}

/** Streams audio with no retries (`maxRetry: 0`) and collects events and `error` events until the stream ends. */
export async function listenExpectingFailure(
  instance: stt.STT,
  frames: AudioFrame[] = speechLikeFrames(),
  timeoutMs = 8_000,
): Promise<Failure> {
  const failure: Failure = { events: [], errors: [] };
  const onError = (error: unknown) => void failure.errors.push(error as Failure['errors'][number]);
  instance.on('error', onError);
  const stream = instance.stream({ connOptions: { maxRetry: 0, retryIntervalMs: 10, timeoutMs: 2_000 } });
  const timer = setTimeout(() => stream.close(), timeoutMs);
  const pushing = pushFrames(stream, frames, { pace: 2, end: false }).catch(() => undefined);
  try {
    for await (const event of stream) failure.events.push(event);
  } finally {
    clearTimeout(timer);
    await pushing;
    stream.close();
    instance.off('error', onError);
  }
  return failure;
}

/**
 * The LiveKit instance the adapter built for the first STT option. `stack.stt` is the stack's chain, which retries
 * and never emits `error`; failure tests look at the provider's own class underneath.
 */
export function providerSTT(stack: VoiceStack): stt.STT {
  return stack.options.stt[0]!.instance as stt.STT;
}
