import { describe, expect, it } from 'vitest';
import { ConfigError, createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';

describe('voiceStackConfigFromEnv', () => {
  it('LLM_MODEL=a,b becomes an OpenRouter chain, with the key from the env', () => {
    const config = voiceStackConfigFromEnv({
      LLM_MODEL: 'meta-llama/llama-3.3-70b-instruct:free, qwen/qwen-2.5-72b-instruct:free',
      OPENROUTER_API_KEY: 'sk-or-x',
    });
    expect(config.llm).toEqual([
      { provider: 'openrouter', models: ['meta-llama/llama-3.3-70b-instruct:free', 'qwen/qwen-2.5-72b-instruct:free'], apiKey: 'sk-or-x' },
    ]);
  });

  it('LOCAL_LLM_BASE_URL adds llama.cpp as the last resort', () => {
    const config = voiceStackConfigFromEnv({
      LLM_MODEL: 'a/b',
      LOCAL_LLM_BASE_URL: 'http://127.0.0.1:8080/v1',
      LOCAL_LLM_MODEL: 'qwen3-4b',
    });
    expect(config.llm).toEqual([
      { provider: 'openrouter', models: ['a/b'] },
      { provider: 'llama-cpp', baseURL: 'http://127.0.0.1:8080/v1', model: 'qwen3-4b', lastResort: true },
    ]);
  });

  it('USE_LIVEKIT_INFERENCE=true puts Inference first, the plugins behind it', () => {
    const config = voiceStackConfigFromEnv({
      USE_LIVEKIT_INFERENCE: 'true',
      OPENAI_API_KEY: 'sk-o',
      LIVEKIT_API_KEY: 'lk',
      LIVEKIT_API_SECRET: 'lks',
    });
    expect(config.llm).toEqual([
      { provider: 'inference', model: 'openai/gpt-4.1-mini', apiKey: 'lk', apiSecret: 'lks' },
      { provider: 'openai', model: 'gpt-4.1-mini', apiKey: 'sk-o' },
    ]);
  });

  it('OPENAI_BASE_URL switches OpenAI to a self-hosted OpenAI-compatible server', () => {
    const config = voiceStackConfigFromEnv({ OPENAI_BASE_URL: 'http://vllm:8000/v1', OPENAI_LLM_MODEL: 'qwen3-8b' });
    expect(config.llm).toEqual([{ provider: 'openai-compatible', baseURL: 'http://vllm:8000/v1', model: 'qwen3-8b' }]);
  });

  it('an empty environment gives an empty config', () => {
    expect(voiceStackConfigFromEnv({})).toEqual({});
  });

  it('malformed variables are named with the fix', () => {
    let error: ConfigError | undefined;
    try {
      voiceStackConfigFromEnv({ OPENAI_BASE_URL: 'localhost:8000', USE_LIVEKIT_INFERENCE: 'maybe' });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error?.code).toBe('CONFIG_INVALID');
    expect(error?.message).toContain('USE_LIVEKIT_INFERENCE: expected true or false, got "maybe". Fix: set USE_LIVEKIT_INFERENCE=true');
    expect(error?.message).toContain('OPENAI_BASE_URL: expected a URL, got "localhost:8000". Fix: include the scheme');
  });

  it('the result is a valid createVoiceStack config', async () => {
    const stack = await createVoiceStack(
      voiceStackConfigFromEnv({ LLM_MODEL: 'a/b,c/d', OPENROUTER_API_KEY: 'k', LOCAL_LLM_BASE_URL: 'http://127.0.0.1:8080/v1' }),
    );
    expect(stack.options.llm.map((option) => [option.label, option.lastResort])).toEqual([
      ['openrouter/a/b', false],
      ['openrouter/c/d', false],
      ['llama-cpp/local', true],
    ]);
    expect(String(stack)).toBe('VoiceStack(llm: openrouter/a/b → openrouter/c/d → llama-cpp/local)');
    await stack.close();
  });
});
