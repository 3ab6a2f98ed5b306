import type { AudioFrame } from '@livekit/rtc-node';
import { type APIConnectOptions, tts } from '@livekit/agents';
import type { VoiceStack } from '../../src/index.js';

/** What a synthesis produced: its frames, their sample rate and total length. */
export interface Synthesized {
  frames: AudioFrame[];
  sampleRate: number | undefined;
  samples: number;
}

function summarise(frames: AudioFrame[]): Synthesized {
  return { frames, sampleRate: frames[0]?.sampleRate, samples: frames.reduce((total, frame) => total + frame.samplesPerChannel, 0) };
}

/** Streams `text` through `instance.stream()` the way AgentSession does (push, flush, end) and collects the frames. */
export async function speak(instance: tts.TTS, text: string, connOptions?: APIConnectOptions): Promise<Synthesized> {
  const stream = instance.stream(connOptions && { connOptions });
  const frames: AudioFrame[] = [];
  stream.pushText(text);
  stream.endInput();
  try {
    for await (const audio of stream) {
      if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
      frames.push(audio.frame);
    }
  } finally {
    stream.close();
  }
  return summarise(frames);
}

/** One-shot synthesis through `instance.synthesize()` (a ChunkedStream). */
export async function synthesizeOnce(instance: tts.TTS, text: string): Promise<Synthesized> {
  const stream = instance.synthesize(text);
  const frames: AudioFrame[] = [];
  try {
    for await (const audio of stream) frames.push(audio.frame);
  } finally {
    stream.close();
  }
  return summarise(frames);
}

/** What AgentSession passes with `stack.sessionOptions()`: no retry inside the provider (the chain owns retries). */
export const NO_RETRY: APIConnectOptions = { maxRetry: 0, retryIntervalMs: 0, timeoutMs: 5_000 };

/**
 * Collects the process's unhandled rejections while `run` runs, instead of letting the test runner report them,
 * and restores the runner's listeners afterwards.
 */
export async function captureUnhandledRejections(run: () => Promise<void>): Promise<unknown[]> {
  const previous = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => void reasons.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await run();
    // Node reports a rejection left unhandled once the microtask queue drains: the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
    for (const restored of previous) process.on('unhandledRejection', restored);
  }
  return reasons;
}

/**
 * The provider's own TTS instance (the first option), under the stack's TTS chain: for tests that document what the
 * plugin itself does on failure (the chain absorbs those failures, see test/policies).
 */
export function providerTTS(stack: VoiceStack): tts.TTS {
  return stack.options.tts[0]!.instance as tts.TTS;
}
