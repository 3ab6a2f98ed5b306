import { stt } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VoiceStack } from '../../../src/index.js';
import { mockVoskSTT, speechLikeFrames, type MockVoskSTT } from '../../../src/testing/index.js';
import { withStack } from '../../helpers/with-stack.js';
import { listen, providerSTT } from '../../helpers/listen.js';

// vosk-server as its sources run it: the Python server (websockets' 1 MiB max_size), a Python server started with
// VOSK_ALTERNATIVES, and the C++ server of the alphacep/kaldi-beast-* images (8 kHz, alternatives, no words).
let vosk: MockVoskSTT;
let voskWithAlternatives: MockVoskSTT;
let beast: MockVoskSTT;
beforeAll(async () => {
  [vosk, voskWithAlternatives, beast] = await Promise.all([
    mockVoskSTT({ transcript: 'hello from vosk' }),
    mockVoskSTT({ transcript: 'hello from vosk', alternatives: 2 }),
    mockVoskSTT({ transcript: 'hello from beast', server: 'cpp', sampleRate: 8_000, alternatives: 1, words: false }),
  ]);
});
afterAll(() => Promise.all([vosk.close(), voskWithAlternatives.close(), beast.close()]));
beforeEach(() => {
  vosk.reset();
  voskWithAlternatives.reset();
  beast.reset();
});

const stackWith = <T>(slot: unknown, run: (stack: VoiceStack) => Promise<T>) =>
  withStack({ stt: slot as never, retry: { initialDelayMs: 10 } }, { env: {} }, run);

/** `count` utterances of speech-like audio (2.2 s each) at 16 kHz, as 20 ms frames. */
const utterances = (count: number) => Array.from({ length: count }, () => speechLikeFrames()).flat();

/** The frames as one frame (what a caller that buffered the audio passes to `recognize()`). */
function asOneFrame(frames: AudioFrame[]): AudioFrame {
  const data = new Int16Array(frames.reduce((total, frame) => total + frame.data.length, 0));
  let offset = 0;
  for (const frame of frames) {
    data.set(frame.data, offset);
    offset += frame.data.length;
  }
  return new AudioFrame(data, frames[0]!.sampleRate, 1, data.length);
}

describe('vosk STT against vosk-server as its sources behave', () => {
  it('44 s of audio in one frame through recognize() returns every utterance (the server reads at most 1 MiB a message)', async () => {
    const event = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL }, (stack) =>
      providerSTT(stack).recognize(asOneFrame(utterances(20))),
    );
    expect(event.alternatives?.[0]?.text).toBe(Array(20).fill('hello from vosk').join(' '));
    expect(vosk.requests[0]?.audioBytes).toBe(20 * 2.2 * 16_000 * 2);
  });

  it('44 s of audio as 2200 frames of 20 ms through recognize() returns every utterance', async () => {
    const event = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL }, (stack) => providerSTT(stack).recognize(utterances(20)));
    expect(event.alternatives?.[0]?.text).toBe(Array(20).fill('hello from vosk').join(' '));
  });

  it('a server that closes with 1011 once the audio is in is an error from recognize(), not an empty transcript', async () => {
    vosk.use({ error: true });
    const recognized = stackWith({ provider: 'vosk', baseURL: vosk.baseURL }, (stack) => providerSTT(stack).recognize(speechLikeFrames()));
    await expect(recognized).rejects.toThrow(
      `Failed to recognise with Vosk at ${vosk.baseURL}: the server closed the connection (1011: internal error) before its last result`,
    );
  });

  it('the config asks for word timings and no alternatives, whatever the server was started with: timings come through', async () => {
    const events = await stackWith({ provider: 'vosk', baseURL: voskWithAlternatives.baseURL }, async (stack) => {
      const stream = providerSTT(stack).stream();
      for (const frame of speechLikeFrames()) stream.pushFrame(frame);
      stream.endInput();
      const seen: stt.SpeechEvent[] = [];
      for await (const event of stream) seen.push(event);
      return seen;
    });
    expect(voskWithAlternatives.requests[0]?.body).toEqual({ sample_rate: 16_000, words: true, max_alternatives: 0 });
    const final = events.find((event) => event.type === stt.SpeechEventType.FINAL_TRANSCRIPT)?.alternatives?.[0];
    expect(final).toMatchObject({ text: 'hello from vosk', confidence: 0.98 });
    // The mock's three words: 0.1–0.35, 0.4–0.65, 0.7–0.95 s.
    expect(final?.startTime).toBeCloseTo(0.1);
    expect(final?.endTime).toBeCloseTo(0.95);
  });

  it('the C++ server (it ignores the config) is detected and named, with the fix, instead of a hang', async () => {
    const recognized = stackWith({ provider: 'vosk', baseURL: beast.baseURL }, (stack) => providerSTT(stack).recognize(speechLikeFrames()));
    await expect(recognized).rejects.toThrow(
      `Failed to recognise with Vosk at ${beast.baseURL}: the server is vosk-server's C++ build (websocket-cpp), which ignores the config message. Fix: set server "cpp" and sampleRate to the server's VOSK_SAMPLE_RATE (8000 in the alphacep/kaldi-beast-* images)`,
    );
  });

  it('server "cpp": no config, audio at the configured rate, results in the alternatives format, no wait for a close', async () => {
    const entry = { provider: 'vosk', baseURL: beast.baseURL, server: 'cpp', sampleRate: 8_000 };
    const [heard, recognized] = await stackWith(entry, async (stack) => [
      await listen(stack.stt!),
      // a 16 kHz buffer is resampled to the server's rate
      await providerSTT(stack).recognize(speechLikeFrames({ sampleRate: 16_000 })),
    ]);
    expect(heard.final).toBe('hello from beast');
    expect((recognized as stt.SpeechEvent).alternatives?.[0]?.text).toBe('hello from beast');
    expect(beast.requests.map((request) => request.messages)).toEqual([[], [{ eof: 1 }]]);
    // 2.2 s at 8 kHz, give or take the resampler's edges
    expect(beast.requests[1]?.audioBytes).toBeGreaterThan(2.1 * 16_000);
    expect(beast.requests[1]?.audioBytes).toBeLessThan(2.3 * 16_000);
    await expect.poll(() => beast.requests[1]?.closed).toBe(true);
  });

  it('health names the C++ server with the fix, and passes with server "cpp"', async () => {
    const report = await stackWith(
      [
        { provider: 'vosk', baseURL: beast.baseURL },
        { provider: 'vosk', baseURL: beast.baseURL, server: 'cpp', sampleRate: 8_000 },
      ],
      (stack) => stack.health(),
    );
    expect(report.results.map(({ ok }) => ok)).toEqual([false, true]);
    expect(report.results[0]?.error).toContain("the server is vosk-server's C++ build (websocket-cpp)");
  });
});
