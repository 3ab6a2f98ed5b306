import { stt } from '@livekit/agents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FallbackEvent, VoiceStack } from '../../../src/index.js';
import { mockDeepgramSTT, mockVoskSTT, speechLikeFrames, type MockDeepgramSTT, type MockVoskSTT } from '../../../src/testing/index.js';
import { closedPort } from '../../helpers/closed-port.js';
import { withStack } from '../../helpers/with-stack.js';
import { listen, listenExpectingFailure, providerSTT } from '../../helpers/listen.js';

let vosk: MockVoskSTT;
let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  [vosk, deepgram] = await Promise.all([
    mockVoskSTT({ transcript: 'hello from vosk' }),
    mockDeepgramSTT({ transcript: 'Hello, Deepgram.' }),
  ]);
});
afterAll(() => Promise.all([vosk.close(), deepgram.close()]));
beforeEach(() => {
  vosk.reset();
  deepgram.reset();
});

/** A stack with this stt slot (fast retries), closed after `run`. */
const stackWith = <T>(slot: unknown, run: (stack: VoiceStack) => Promise<T>) =>
  withStack({ stt: slot as never, retry: { initialDelayMs: 10 } }, { env: { DEEPGRAM_API_KEY: 'dg-key' } }, run);

describe('vosk STT against a local vosk-server', () => {
  it('streams PCM16 after the config message: partials become interim transcripts, the result the final one', async () => {
    const heard = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL, language: 'en' }, (stack) => listen(stack.stt!));
    expect(heard.final).toBe('hello from vosk');
    expect(heard.language).toBe('en');
    expect(heard.types).toEqual([
      stt.SpeechEventType.START_OF_SPEECH,
      stt.SpeechEventType.INTERIM_TRANSCRIPT,
      stt.SpeechEventType.FINAL_TRANSCRIPT,
    ]);
    const [session] = vosk.requests;
    expect(session).toMatchObject({
      transport: 'websocket',
      sampleRate: 16_000,
      body: { sample_rate: 16_000, words: true, max_alternatives: 0 },
    });
    expect(session!.audioBytes).toBeGreaterThan(0);
  });

  it('ends the input with {"eof" : 1} as vosk-server spells it, gets the last result and a clean close', async () => {
    // The utterance is still going when the input ends: only the end-of-stream result carries it.
    const frames = speechLikeFrames({ trailingSilenceMs: 0 });
    const events = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL, phrases: ['hello from vosk', '[unk]'] }, async (stack) => {
      const stream = providerSTT(stack).stream();
      for (const frame of frames) stream.pushFrame(frame);
      stream.endInput();
      const seen: stt.SpeechEvent[] = [];
      for await (const event of stream) seen.push(event);
      return seen;
    });
    expect(
      events.filter((event) => event.type === stt.SpeechEventType.FINAL_TRANSCRIPT).map((event) => event.alternatives?.[0]?.text),
    ).toEqual(['hello from vosk']);
    expect(events.at(-2)?.type).toBe(stt.SpeechEventType.END_OF_SPEECH);
    expect(events.at(-1)).toMatchObject({
      type: stt.SpeechEventType.RECOGNITION_USAGE,
      recognitionUsage: { audioDuration: expect.closeTo(1.4, 1) },
    });
    const [session] = vosk.requests;
    // the config, the reset that tells the Python server from the C++ one, the end
    expect(session?.messages).toEqual([
      { sample_rate: 16_000, words: true, max_alternatives: 0, phrase_list: ['hello from vosk', '[unk]'] },
      { reset: 1 },
      { eof: 1 },
    ]);
    await expect.poll(() => session?.closed).toBe(true);
  });

  it('recognize() sends the buffer at its own rate and returns the result', async () => {
    const event = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL }, (stack) =>
      providerSTT(stack).recognize(speechLikeFrames({ sampleRate: 8_000 })),
    );
    expect(event).toMatchObject({ type: stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives: [{ text: 'hello from vosk' }] });
    expect(vosk.requests[0]).toMatchObject({ sampleRate: 8_000 });
  });

  it('a server that closes with 1011 mid-stream is a retryable connection error naming the close', async () => {
    vosk.use({ error: true });
    const failure = await stackWith({ provider: 'vosk', baseURL: vosk.baseURL }, (stack) => listenExpectingFailure(providerSTT(stack)));
    expect(failure.errors[0]?.error.message).toBe(
      `Failed to recognise with Vosk at ${vosk.baseURL}: the server closed the connection (1011: internal error) before the end of the audio`,
    );
    expect(failure.errors[0]?.error.retryable).toBe(true);
  });

  it('in a chain, a Vosk that is down falls back to Deepgram and the call hears the user', async () => {
    const port = await closedPort();
    const fallbacks: FallbackEvent[] = [];
    const heard = await stackWith(
      [
        { provider: 'vosk', baseURL: `ws://127.0.0.1:${port}` },
        { provider: 'deepgram', baseURL: deepgram.baseURL },
      ],
      (stack) => {
        stack.on('fallback', (event) => fallbacks.push(event));
        return listen(stack.stt!);
      },
    );
    expect(heard.final).toBe('Hello, Deepgram.');
    expect(fallbacks).toMatchObject([{ modality: 'stt', from: 'vosk/default', to: 'deepgram/nova-3' }]);
    expect(fallbacks[0]?.error.message).toContain(`Failed to connect to Vosk at ws://127.0.0.1:${port}: connection refused`);
  });

  it('health: a vosk-server answers the end of an empty stream; a closed port is named', async () => {
    const port = await closedPort();
    const report = await stackWith(
      [
        { provider: 'vosk', baseURL: vosk.baseURL, model: 'vosk-model-small-en-us-0.15' },
        { provider: 'vosk', baseURL: `ws://127.0.0.1:${port}` },
      ],
      (stack) => stack.health(),
    );
    expect(report.results.map(({ provider, model, ok }) => [provider, model, ok])).toEqual([
      ['vosk', 'vosk-model-small-en-us-0.15', true],
      ['vosk', 'default', false],
    ]);
    expect(report.results[1]?.error).toContain('connection refused');
    expect(vosk.requests[0]?.messages).toEqual([{ sample_rate: 16_000, words: true, max_alternatives: 0 }, { reset: 1 }, { eof: 1 }]);
  });
});
