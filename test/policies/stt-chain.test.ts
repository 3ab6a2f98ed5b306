import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack, DEFAULT_VERBAL_OPTIONS } from '../../src/index.js';
import {
  mockDeepgramSTT,
  mockInferenceSTT,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  speechLikeFrames,
  type MockDeepgramSTT,
  type MockInferenceSTT,
} from '../../src/testing/index.js';
import { eventually } from '../helpers/eventually.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents } from '../helpers/recorders.js';
import { listen } from '../helpers/listen.js';
import { startAudioSession } from '../helpers/audio-session.js';

const llm = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
useMswServer(...llm.handlers, ...speech.handlers);
const credentials = { apiKey: 'lk-key', apiSecret: 'lk-secret-0123456789' };
let gateway: MockInferenceSTT;
let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  [gateway, deepgram] = await Promise.all([
    mockInferenceSTT({ transcript: 'What time is it?', auth: credentials }),
    mockDeepgramSTT({ transcript: 'What time is it?' }),
  ]);
});
afterAll(() => Promise.all([gateway.close(), deepgram.close()]));
beforeEach(() => {
  for (const mock of [llm, speech, gateway, deepgram]) mock.reset();
});

const env = {
  LIVEKIT_API_KEY: credentials.apiKey,
  LIVEKIT_API_SECRET: credentials.apiSecret,
  DEEPGRAM_API_KEY: 'dg-key',
  OPENAI_API_KEY: 'sk-test',
};
const stt = () => [
  { provider: 'inference' as const, baseURL: gateway.baseURL },
  { provider: 'deepgram' as const, baseURL: deepgram.baseURL },
];

describe('STT chain against the mocks', () => {
  it('the primary refuses the handshake (429): the second option transcribes the same audio stream', async () => {
    gateway.use({ status: 429, retryAfter: 30 });
    const stack = await createVoiceStack({ stt: stt() }, { env });
    const recorder = recordEvents(stack);
    try {
      expect((await listen(stack.stt!)).final).toBe('What time is it?');
      // The primary cools for its Retry-After: the next stream goes straight to Deepgram.
      expect((await listen(stack.stt!)).final).toBe('What time is it?');
    } finally {
      await stack.close();
    }
    expect(gateway.requests).toHaveLength(0); // refused at the handshake, once; never asked again while cooling
    expect(deepgram.requests.filter((request) => request.transport === 'websocket')).toHaveLength(2);
    const fallbacks = recorder.of('fallback');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({ modality: 'stt', to: 'deepgram/nova-3' });
    expect(fallbacks[0]!.error).toMatchObject({ category: 'rate_limit', statusCode: 429 });
  });

  it('every STT option down: the session says "cannot hear you" exactly once, stays open, and hears the user after recovery', async () => {
    gateway.use({ status: 503, times: 4 });
    deepgram.use({ status: 503, times: 4 });
    const stack = await createVoiceStack(
      {
        stt: stt(),
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        tts: { provider: 'openai' },
        retry: { initialDelayMs: 50, maxDelayMs: 100 },
      },
      { env },
    );
    const recorder = recordEvents(stack);
    const call = await startAudioSession(stack);
    try {
      // Both options refuse for a few passes, then the gateway takes the stream again.
      // A refused handshake records no session: the first one the gateway records is the stream taken again.
      expect(await eventually(() => gateway.requests.length > 0, 10_000)).toBe(true);
      const replied = call.nextReply();
      await call.input.speak();
      await replied;
      expect(call.messages()).toEqual([
        ['user', 'What time is it?'],
        ['assistant', 'It is noon.'],
      ]);
      const notHearing = DEFAULT_VERBAL_OPTIONS.notHearing;
      // Said once, through the session's TTS (one request per sentence, started together).
      expect(speech.requests.map((request) => request.text).sort()).toEqual([...notHearing.split(/(?<=\.) /), 'It is noon.'].sort());
      expect(recorder.of('holding')).toEqual([{ modality: 'stt', reason: 'not_hearing', text: notHearing }]);
      expect(recorder.of('recovered')).toEqual(expect.arrayContaining([expect.objectContaining({ modality: 'stt' })]));
      expect(call.closed).toEqual([]);
    } finally {
      await call.close();
      await stack.close();
    }
  });

  it("Deepgram's socket closed mid-stream (swallowed by its plugin): the deaf-stream check reconnects, silently, and the user is heard", async () => {
    // After its interim transcript the socket closes; plugin 1.9 keeps sending into it and reports nothing.
    deepgram.use({ closeAfterAudioMs: 700, times: 1 });
    const stack = await createVoiceStack(
      { stt: { provider: 'deepgram', baseURL: deepgram.baseURL }, retry: { stallTimeoutMs: 1_500 } },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      const frames = Array.from({ length: 3 }, () => speechLikeFrames()).flat();
      expect((await listen(stack.stt!, frames)).final).toBe('What time is it?');
    } finally {
      await stack.close();
    }
    // Two sockets: the deaf one (no transcript), then the reconnect that heard the next utterance.
    const sockets = deepgram.requests.filter((request) => request.transport === 'websocket');
    expect(sockets).toHaveLength(2);
    expect(sockets[0]!.transcripts).toEqual([]);
    expect(sockets[1]!.transcripts[0]).toBe('What time is it?');
    // A stream that worked and went deaf is reconnected at once: not an outage, the user is not told "cannot hear".
    expect(recorder.of('holding')).toEqual([]);
    expect(recorder.of('retry')).toEqual([]);
  });
});
