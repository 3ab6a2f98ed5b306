import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';
import { mockOpenAISpeechEndpoint } from '../../../src/testing/index.js';
import { useMswServer } from '../../helpers/msw.js';
import { synthesizeOnce } from '../../helpers/speak.js';

const openai = mockOpenAISpeechEndpoint({ baseURL: 'https://api.openai.com/v1', auth: { bearer: 'sk-test-openai' } });
const kokoro = mockOpenAISpeechEndpoint({ baseURL: 'http://kokoro.internal:8880/v1', audioMs: 500 });
useMswServer(...openai.handlers, ...kokoro.handlers);

describe('OpenAI-format TTS against a mocked /audio/speech', () => {
  it('openai: sends model, voice, speed, instructions and the bearer key; 24 kHz PCM becomes frames', async () => {
    openai.reset();
    const stack = await createVoiceStack(
      { tts: { provider: 'openai', voice: 'coral', speed: 1.2, instructions: 'Speak warmly.' } },
      { env: { OPENAI_API_KEY: 'sk-test-openai' } },
    );
    try {
      const audio = await synthesizeOnce(stack.tts!, 'Hello there.');
      expect(audio).toMatchObject({ sampleRate: 24_000, samples: 4_800 });
    } finally {
      await stack.close();
    }
    const [request] = openai.requests;
    expect(request?.headers.authorization).toBe('Bearer sk-test-openai');
    expect(request?.body).toMatchObject({
      model: 'gpt-4o-mini-tts',
      voice: 'coral',
      speed: 1.2,
      instructions: 'Speak warmly.',
      input: 'Hello there.',
      response_format: 'pcm',
    });
  });

  it('openai-compatible: reaches its own base URL with Kokoro voice af_bella and no key', async () => {
    kokoro.reset();
    const stack = await createVoiceStack({
      tts: { provider: 'openai-compatible', baseURL: 'http://kokoro.internal:8880/v1', model: 'kokoro', voice: 'af_bella' },
    });
    try {
      const audio = await synthesizeOnce(stack.tts!, 'Hi.');
      expect(audio).toMatchObject({ sampleRate: 24_000, samples: 12_000 }); // 500 ms at 24 kHz
    } finally {
      await stack.close();
    }
    expect(kokoro.requests).toHaveLength(1);
    expect(kokoro.requests[0]).toMatchObject({ model: 'kokoro', voice: 'af_bella', text: 'Hi.' });
    expect(openai.requests.filter((request) => request.text === 'Hi.')).toHaveLength(0);
  });

  it('openai: a missing key names OPENAI_API_KEY', async () => {
    await expect(createVoiceStack({ tts: { provider: 'openai' } }, { env: {} })).rejects.toThrow(/OPENAI_API_KEY/);
  });
});
