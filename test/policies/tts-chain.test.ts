import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tts } from '@livekit/agents';
import { createVoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockElevenLabsTTS,
  mockOpenAIEndpoint,
  mockOpenAISpeechEndpoint,
  type MockCartesiaTTS,
  type MockElevenLabsTTS,
} from '../../src/testing/index.js';
import { sleep } from '../../src/testing/sleep.js';
import { eventually } from '../helpers/eventually.js';
import { useMswServer } from '../helpers/msw.js';
import { recordEvents } from '../helpers/recorders.js';
import { captureUnhandledRejections, providerTTS, speak, synthesizeOnce } from '../helpers/speak.js';
import { startAudioSession } from '../helpers/audio-session.js';
import { forgetfulStore } from '../helpers/state.js';

const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1' });
const llm = mockOpenAIEndpoint({ baseURL: 'https://api.openai.com/v1', reply: 'It is noon.' });
const server = useMswServer(...speech.handlers, ...llm.handlers);
let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
beforeAll(async () => {
  [cartesia, elevenlabs] = await Promise.all([mockCartesiaTTS(), mockElevenLabsTTS()]);
});
afterAll(() => Promise.all([cartesia.close(), elevenlabs.close()]));
beforeEach(() => {
  for (const mock of [speech, llm, cartesia, elevenlabs]) mock.reset();
  server.use(...cartesia.handlers, ...elevenlabs.handlers);
});

const env = { OPENAI_API_KEY: 'sk-test', CARTESIA_API_KEY: 'sk_car_test', ELEVEN_API_KEY: 'xi-test' };

describe('TTS chain against the mocks', () => {
  it('OpenAI TTS 429 is a rate limit: the fallback speaks, no unhandled rejection, and OpenAI gets nothing while it cools', async () => {
    speech.use({ status: 429, retryAfter: 5, message: 'Rate limit reached for tts' });
    const stack = await createVoiceStack({ tts: [{ provider: 'openai' }, { provider: 'cartesia', baseURL: cartesia.baseURL }] }, { env });
    const recorder = recordEvents(stack);
    const spoken: number[] = [];
    try {
      const unhandled = await captureUnhandledRejections(async () => {
        for (let i = 0; i < 3; i++) spoken.push((await speak(stack.tts!, `Sentence number ${i}.`)).samples);
        spoken.push((await synthesizeOnce(stack.tts!, 'One shot.')).samples);
      });
      expect(unhandled).toEqual([]);
    } finally {
      await stack.close();
    }
    expect(spoken).toEqual([4_800, 4_800, 4_800, 4_800]); // 200 ms at 24 kHz from Cartesia, each time
    expect(speech.requests).toHaveLength(1); // cooling for its Retry-After: not asked again
    expect(cartesia.requests.map((request) => request.text)).toEqual([
      'Sentence number 0.',
      'Sentence number 1.',
      'Sentence number 2.',
      'One shot.',
    ]);
    const [fallback] = recorder.of('fallback');
    expect(fallback).toMatchObject({ modality: 'tts', from: 'openai/gpt-4o-mini-tts', to: 'cartesia/sonic-3' });
    expect(fallback!.error).toMatchObject({ category: 'rate_limit', statusCode: 429, retryAfterMs: 5_000 });
    expect(recorder.of('fallback')).toHaveLength(1);
  });

  it('a streaming primary refused with 429 at the handshake: ElevenLabs speaks, resampled to the chain rate', async () => {
    cartesia.use({ status: 429, retryAfter: 3 });
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL },
          { provider: 'elevenlabs', baseURL: elevenlabs.baseURL },
        ],
      },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      expect(stack.tts!.sampleRate).toBe(24_000); // the highest of 24 kHz (Cartesia) and 22.05 kHz (ElevenLabs)
      const audio = await speak(stack.tts!, 'Hello there.');
      expect(audio.sampleRate).toBe(24_000);
      expect(audio.samples).toBeGreaterThan(4_700); // 200 ms at 22.05 kHz, resampled to 24 kHz
      expect(elevenlabs.requests.map((request) => request.text.trim())).toEqual(['Hello there.']);
      expect(recorder.of('fallback')[0]?.error).toMatchObject({ category: 'rate_limit', statusCode: 429 });
    } finally {
      await stack.close();
    }
  });

  it('sends no recovery probe: a dead TTS gets one request, not one a second (LiveKit FallbackAdapter probes every second)', async () => {
    speech.use({ status: 500 });
    const stack = await createVoiceStack({ tts: [{ provider: 'openai' }, { provider: 'cartesia', baseURL: cartesia.baseURL }] }, { env });
    try {
      expect((await speak(stack.tts!, 'First.')).samples).toBe(4_800);
      await sleep(2_500); // time itself: two of LiveKit's 1 s probe periods pass with no request to the dead option
      expect((await speak(stack.tts!, 'Second.')).samples).toBe(4_800);
    } finally {
      await stack.close();
    }
    // The failed option is tried after the healthy one for a while; the next real utterance after that is the probe.
    expect(speech.requests).toHaveLength(1);
    expect(cartesia.requests).toHaveLength(2);
  });

  it('a TTS switch never closes the session: four turns whose primary TTS fails each time are all spoken', async () => {
    speech.use({ status: 503 });
    // A store that forgets failures: the primary is tried (and fails) on every turn, as with four distinct outages.
    const forgetful = forgetfulStore();
    const stack = await createVoiceStack(
      {
        llm: { provider: 'openai', model: 'gpt-4.1-mini' },
        tts: [{ provider: 'openai' }, { provider: 'cartesia', baseURL: cartesia.baseURL }],
      },
      { env, store: forgetful },
    );
    const recorder = recordEvents(stack);
    const call = await startAudioSession(stack, { audioInput: false });
    try {
      for (let turn = 0; turn < 4; turn++) {
        const replied = call.nextReply();
        call.session.generateReply({ userInput: `Question ${turn}?` });
        await replied;
      }
      expect(call.messages().filter(([role]) => role === 'assistant')).toHaveLength(4);
      expect(call.output.samples).toBe(4 * 4_800);
      expect(speech.requests).toHaveLength(4);
      expect(recorder.of('fallback')).toHaveLength(4);
      expect(call.closed).toEqual([]); // LiveKit's tts.FallbackAdapter forwards each failure: the session closes after 3
    } finally {
      await call.close();
      await stack.close();
    }
  });

  it('opens the first option’s stream with its own (LiveKit starts both on a timer), and closes it when the utterance ends first', async () => {
    const stack = await createVoiceStack({ tts: [{ provider: 'cartesia', baseURL: cartesia.baseURL }] }, { env });
    const opened = vi.spyOn(providerTTS(stack), 'stream');
    try {
      const unhandled = await captureUnhandledRejections(async () => {
        const unused = stack.tts!.stream();
        expect(opened).toHaveBeenCalledTimes(1); // before the chain's own stream started
        unused.close();
        const child = opened.mock.results[0]!.value as tts.SynthesizeStream;
        expect(await eventually(() => child.abortSignal.aborted)).toBe(true);
        // Text pushed before the chain's stream starts reaches the opened stream, in order.
        const stream = stack.tts!.stream();
        stream.pushText('Hello ');
        stream.pushText('there.');
        stream.endInput();
        let samples = 0;
        for await (const audio of stream) {
          if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
          samples += audio.frame.samplesPerChannel;
        }
        stream.close();
        expect(samples).toBe(4_800);
      });
      expect(unhandled).toEqual([]);
    } finally {
      await stack.close();
    }
    expect(opened).toHaveBeenCalledTimes(2);
    expect(cartesia.requests.map((request) => request.text.trim())).toEqual(['Hello there.']);
  });

  it('opens no stream early to a cooling option: the first available one is opened instead', async () => {
    cartesia.use({ status: 429, retryAfter: 3 });
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL },
          { provider: 'elevenlabs', baseURL: elevenlabs.baseURL },
        ],
      },
      { env },
    );
    const [primary, fallback] = stack.options.tts.map((option) => vi.spyOn(option.instance as tts.TTS, 'stream'));
    try {
      expect((await speak(stack.tts!, 'First.')).samples).toBeGreaterThan(4_700);
      expect([primary!.mock.calls.length, fallback!.mock.calls.length]).toEqual([1, 1]);
      const stream = stack.tts!.stream();
      expect([primary!.mock.calls.length, fallback!.mock.calls.length]).toEqual([1, 2]); // Cartesia cools for 3 s
      stream.close();
      const opened = fallback!.mock.results[1]!.value as tts.SynthesizeStream;
      expect(await eventually(() => opened.abortSignal.aborted)).toBe(true);
    } finally {
      await stack.close();
    }
    // The closed stream sent no text (the plugin still opens and ends an empty context for it, as for any closed stream).
    expect(elevenlabs.requests.map((request) => request.text.trim()).filter(Boolean)).toEqual(['First.']);
  });
});
