import { describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../../src/index.js';

describe('openai-realtime (speech-to-speech)', () => {
  it('builds the OpenAI plugin RealtimeModel; sessionOptions() carries no stt or tts', async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'openai-realtime', voice: 'cedar', language: 'fr', baseURL: 'http://127.0.0.1:9/v1' } },
      { env: { OPENAI_API_KEY: 'sk-test-realtime' } },
    );
    try {
      const options = stack.sessionOptions();
      expect(options.stt).toBeUndefined();
      expect(options.tts).toBeUndefined();
      const model = options.llm as unknown as { label(): string; model: string; _options: Record<string, unknown> };
      expect(model.label()).toBe('openai.RealtimeModel');
      expect(model.model).toBe('gpt-realtime');
      expect(model._options).toMatchObject({
        voice: 'cedar',
        apiKey: 'sk-test-realtime',
        baseURL: 'http://127.0.0.1:9/v1',
        inputAudioTranscription: { model: 'gpt-4o-mini-transcribe', language: 'fr' },
      });
      expect(stack.options.llm[0]?.label).toBe('openai-realtime/gpt-realtime');
    } finally {
      await stack.close();
    }
  });

  it('is refused inside an LLM chain, with the fix', async () => {
    await expect(
      createVoiceStack({ llm: [{ provider: 'openai-realtime' }, { provider: 'llama-cpp' }] }, { env: { OPENAI_API_KEY: 'sk-test' } }),
    ).rejects.toThrow(/realtime.*cannot be part of an LLM chain.*Fix:/s);
  });

  it('names OPENAI_API_KEY when the key is missing (the stack env, not process.env)', async () => {
    await expect(createVoiceStack({ llm: { provider: 'openai-realtime' } }, { env: {} })).rejects.toThrow(/OPENAI_API_KEY/);
  });

  it('can sit beside a TTS for a text-only realtime setup: the stack still composes both', async () => {
    const stack = await createVoiceStack(
      { llm: { provider: 'openai-realtime' }, tts: { provider: 'openai' } },
      { env: { OPENAI_API_KEY: 'sk-test' } },
    );
    try {
      expect(stack.sessionOptions().tts).toBeDefined();
    } finally {
      await stack.close();
    }
  });
});
