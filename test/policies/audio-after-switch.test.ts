import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import {
  mockCartesiaTTS,
  mockElevenLabsTTS,
  mockOpenAISpeechEndpoint,
  type MockCartesiaTTS,
  type MockElevenLabsTTS,
} from '../../src/testing/index.js';
import { tonePCM } from '../../src/testing/tts-scenario.js';
import { useMswServer } from '../helpers/msw.js';
import { speak, type Synthesized } from '../helpers/speak.js';

// What the caller hears after a TTS switch: the fallback's audio, every sample once, in order, at the rate the
// session's audio output was built for (`stack.tts.sampleRate`). The mocks send a known tone, so the samples can be
// counted, and compared one by one where no resampling is involved.

const AUDIO_MS = 200;
const speech = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1', audioMs: AUDIO_MS });
useMswServer(...speech.handlers);
let refusing: MockCartesiaTTS;
let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
beforeAll(async () => {
  [refusing, cartesia, elevenlabs] = await Promise.all([
    mockCartesiaTTS({ audioMs: AUDIO_MS }),
    mockCartesiaTTS({ audioMs: AUDIO_MS }),
    mockElevenLabsTTS({ audioMs: AUDIO_MS }),
  ]);
});
afterAll(() => Promise.all([refusing.close(), cartesia.close(), elevenlabs.close()]));
beforeEach(() => {
  for (const mock of [speech, refusing, cartesia, elevenlabs]) mock.reset();
  refusing.use({ status: 429 });
});

const env = { OPENAI_API_KEY: 'sk-test', CARTESIA_API_KEY: 'sk_car_test', ELEVEN_API_KEY: 'xi-test' };

/** The PCM of every frame, joined, as bytes (16-bit little-endian, like the mocks send). */
function pcmOf(audio: Synthesized): Buffer {
  return Buffer.concat(audio.frames.map((frame) => Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength)));
}

describe('audio after a TTS switch', () => {
  it('Cartesia refuses (429), Cartesia speaks: exactly the PCM the mock sent, in order, at 24 kHz, for every utterance', async () => {
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'cartesia', baseURL: refusing.baseURL, model: 'sonic-3' },
          { provider: 'cartesia', baseURL: cartesia.baseURL, model: 'sonic-2' },
        ],
      },
      { env },
    );
    try {
      const utterances = [];
      for (const text of ['First sentence.', 'Second sentence.', 'Third sentence.']) utterances.push(await speak(stack.tts!, text));
      for (const audio of utterances) {
        expect(audio.frames.every((frame) => frame.sampleRate === stack.tts!.sampleRate && frame.channels === 1)).toBe(true);
        expect(pcmOf(audio).equals(tonePCM(24_000, AUDIO_MS))).toBe(true);
      }
    } finally {
      await stack.close();
    }
    expect(stack.tts!.sampleRate).toBe(24_000);
    expect(refusing.requests).toHaveLength(0); // refused at the handshake, then cooling
    expect(cartesia.requests.map((request) => request.text)).toEqual(['First sentence.', 'Second sentence.', 'Third sentence.']);
  });

  it('OpenAI refuses (429 on the request), Cartesia speaks: the one-shot failure adds no sample and loses none', async () => {
    speech.use({ status: 429, retryAfter: 5 });
    const stack = await createVoiceStack({ tts: [{ provider: 'openai' }, { provider: 'cartesia', baseURL: cartesia.baseURL }] }, { env });
    try {
      const audio = await speak(stack.tts!, 'Hello there.');
      expect(audio.frames.every((frame) => frame.sampleRate === 24_000)).toBe(true);
      expect(pcmOf(audio).equals(tonePCM(24_000, AUDIO_MS))).toBe(true);
    } finally {
      await stack.close();
    }
    expect(speech.requests).toHaveLength(1);
    expect(cartesia.requests).toHaveLength(1);
  });

  it('Cartesia refuses, ElevenLabs speaks at 22.05 kHz: resampled to the 24 kHz the session expects, no sample lost or repeated', async () => {
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'cartesia', baseURL: refusing.baseURL },
          { provider: 'elevenlabs', baseURL: elevenlabs.baseURL },
        ],
      },
      { env },
    );
    try {
      for (const text of ['One.', 'Two.']) {
        const audio = await speak(stack.tts!, text);
        expect(audio.frames.every((frame) => frame.sampleRate === 24_000)).toBe(true);
        // The mock sent 200 ms at 22,050 Hz (4,410 samples): 200 ms at 24 kHz arrive, the resampler flushed.
        expect(audio.samples).toBe(4_800);
      }
    } finally {
      await stack.close();
    }
    expect(elevenlabs.requests.map((request) => request.sampleRate)).toEqual([22_050, 22_050]);
  });
});
