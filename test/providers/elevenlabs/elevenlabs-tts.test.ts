import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VoiceStack } from '../../../src/index.js';
import { mockElevenLabsTTS, type MockElevenLabsTTS } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';
import { withStack } from '../../helpers/with-stack.js';
import { speak, synthesizeOnce } from '../../helpers/speak.js';

const server = useMswServer();
let elevenlabs: MockElevenLabsTTS;
beforeAll(async () => {
  elevenlabs = await mockElevenLabsTTS({ apiKey: 'xi-test-key' });
});
afterAll(() => elevenlabs.close());
beforeEach(() => {
  elevenlabs.reset();
  server.use(...elevenlabs.handlers);
});

/** A stack whose TTS is the elevenlabs entry `entry` against the mock, closed after `run`. */
const elevenlabsStack = <T>(entry: Record<string, unknown>, run: (stack: VoiceStack) => Promise<T>): Promise<T> =>
  withStack(
    { tts: { provider: 'elevenlabs', baseURL: elevenlabs.baseURL, ...entry } as never },
    { env: { ELEVEN_API_KEY: 'xi-test-key' } },
    run,
  );

describe('elevenlabs TTS against a local ElevenLabs API', () => {
  it('streams text into 22.05 kHz frames over the multi-stream WebSocket, with voice, model, language, settings and key', async () => {
    const audio = await elevenlabsStack(
      {
        voice: 'voice-xyz',
        model: 'eleven_flash_v2_5',
        language: 'fr',
        voiceSettings: { stability: 0.4, similarityBoost: 0.8, useSpeakerBoost: true },
      },
      (stack) => speak(stack.tts!, 'Bonjour tout le monde.'),
    );
    expect(audio).toMatchObject({ sampleRate: 22_050, samples: 4_410 }); // 200 ms at 22.05 kHz
    const [request] = elevenlabs.requests;
    expect(request).toMatchObject({
      transport: 'websocket',
      voice: 'voice-xyz',
      model: 'eleven_flash_v2_5',
      language: 'fr',
      text: 'Bonjour tout le monde.',
    });
    expect(request?.headers['xi-api-key']).toBe('xi-test-key');
    // The first message of a context carries the voice settings, in ElevenLabs' snake_case.
    expect((request?.body as Record<string, unknown>[])[0]).toMatchObject({
      text: ' ',
      voice_settings: { stability: 0.4, similarity_boost: 0.8, use_speaker_boost: true },
    });
  });

  it('uses the plugin defaults (voice bIHbv24MWmeRgasZH58o, eleven_turbo_v2_5) and honours sampleRate', async () => {
    const audio = await elevenlabsStack({ sampleRate: 16_000 }, (stack) => speak(stack.tts!, 'Hello there.'));
    expect(audio).toMatchObject({ sampleRate: 16_000, samples: 3_200 });
    expect(elevenlabs.requests[0]).toMatchObject({ voice: 'bIHbv24MWmeRgasZH58o', model: 'eleven_turbo_v2_5' });
    expect(elevenlabs.requests[0]?.query.output_format).toBe('pcm_16000');
  });

  it('one-shot synthesize() posts JSON and turns the audio/pcm body into frames', async () => {
    const audio = await elevenlabsStack({ voice: 'voice-xyz', language: 'de', voiceSettings: { stability: 0.5 } }, (stack) =>
      synthesizeOnce(stack.tts!, 'Hallo.'),
    );
    expect(audio).toMatchObject({ sampleRate: 22_050, samples: 4_410 });
    expect(elevenlabs.requests[0]).toMatchObject({
      transport: 'http',
      voice: 'voice-xyz',
      model: 'eleven_turbo_v2_5',
      language: 'de',
      text: 'Hallo.',
    });
    expect(elevenlabs.requests[0]?.body).toMatchObject({ voice_settings: { stability: 0.5 } });
    expect(elevenlabs.requests[0]?.headers['xi-api-key']).toBe('xi-test-key');
  });
});
