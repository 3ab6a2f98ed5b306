import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack, type TranscriptEvent } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockDeepgramSTT,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  type MockCartesiaTTS,
  type MockDeepgramSTT,
} from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { startAudioSession } from '../helpers/audio-session.js';
import { withoutCall } from '../helpers/without-call.js';

const openai = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
useMswServer(...openai.handlers, ...speech.handlers);
let deepgram: MockDeepgramSTT;
let cartesia: MockCartesiaTTS;
beforeAll(async () => {
  [deepgram, cartesia] = await Promise.all([mockDeepgramSTT({ transcript: 'What time is it?' }), mockCartesiaTTS({ audioMs: 200 })]);
});
afterAll(() => Promise.all([deepgram.close(), cartesia.close()]));
beforeEach(() => {
  for (const mock of [openai, speech, deepgram, cartesia]) mock.reset();
});

const env = { OPENAI_API_KEY: 'sk-test', DEEPGRAM_API_KEY: 'dg-key', CARTESIA_API_KEY: 'sk_car_test' };

describe('audio end to end: a real AgentSession with mocked STT, LLM and TTS and fake audio I/O', () => {
  it('a spoken user utterance becomes a transcript, an LLM reply and synthesized audio frames at the speaker', async () => {
    const stack = await createVoiceStack(
      {
        stt: { provider: 'deepgram', baseURL: deepgram.baseURL },
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        tts: { provider: 'cartesia', baseURL: cartesia.baseURL },
      },
      { env },
    );
    const transcripts: TranscriptEvent[] = [];
    stack.on('transcript', (event) => transcripts.push(withoutCall(event) as TranscriptEvent));
    const call = await startAudioSession(stack);
    try {
      const replied = call.nextReply();
      await call.input.speak();
      await replied;
      // The `transcript` events: what each side said, and which option served it.
      expect(transcripts.filter((event) => event.final)).toEqual([
        { role: 'user', text: 'What time is it?', final: true, provider: 'deepgram', model: 'nova-3' },
        { role: 'assistant', text: 'It is noon.', final: true, provider: 'openai', model: 'gpt-4.1-mini' },
      ]);
      expect(call.messages()).toEqual([
        ['user', 'What time is it?'],
        ['assistant', 'It is noon.'],
      ]);
      expect(deepgram.requests[0]!.audioBytes).toBeGreaterThan(0);
      expect(cartesia.requests.map((request) => request.text.trim())).toEqual(['It is noon.']);
      // 200 ms of the mock's tone at the chain's 24 kHz, every frame at that rate.
      expect(call.output.frames.every(({ frame }) => frame.sampleRate === 24_000)).toBe(true);
      expect(call.output.samples).toBe(4_800);
      expect(call.closed).toEqual([]);
    } finally {
      await call.close();
      await stack.close();
    }
  });

  it('the holding phrase is heard while the LLM chain waits, before the answer is even requested; then the answer follows', async () => {
    // The only LLM option is rate limited once for 1 s: the chain waits, and says the holding phrase meanwhile.
    openai.use({ status: 429, retryAfter: 1, times: 1 });
    const stack = await createVoiceStack(
      {
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        // OpenAI TTS is one-shot: the chain puts LiveKit's sentence tokenizer in front of it, which would hold the
        // phrase until the answer's first sentence starts.
        tts: { provider: 'openai' },
        retry: { initialDelayMs: 100, maxDelayMs: 1_000 },
        verbal: { holding: 'One moment, please.' },
      },
      { env },
    );
    const call = await startAudioSession(stack, { audioInput: false });
    try {
      const replied = call.nextReply();
      call.session.generateReply({ userInput: 'What time is it?' });
      await replied;
      const [refused, answered] = openai.chatRequests();
      expect(answered).toBeDefined();
      // The phrase was flushed on its own: one synthesis for it, one for the answer.
      expect(speech.requests.map((request) => request.text)).toEqual(['One moment, please.', 'It is noon.']);
      const firstAudio = call.output.frames[0]!.at;
      expect(firstAudio).toBeGreaterThanOrEqual(refused!.at);
      expect(firstAudio).toBeLessThan(answered!.at);
      // The answer's audio follows the phrase's in the same reply.
      expect(call.output.frames.some(({ at }) => at > answered!.at)).toBe(true);
      expect(speech.requests[1]!.at).toBeGreaterThan(answered!.at);
      expect(call.messages().at(-1)).toEqual(['assistant', 'One moment, please. It is noon.']);
    } finally {
      await call.close();
      await stack.close();
    }
  });
});
