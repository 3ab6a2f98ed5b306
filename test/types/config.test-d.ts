import type { llm } from '@livekit/agents';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createVoiceStack, defineAdapter, type VoiceStackConfig } from '../../src/index.js';

describe('VoiceStackConfig types', () => {
  it('accepts built-in entries, chains and ready instances', () => {
    expectTypeOf<{ llm: { provider: 'openai'; model: 'gpt-4.1-mini' } }>().toExtend<VoiceStackConfig>();
    expectTypeOf<{ llm: [{ provider: 'openrouter'; models: string[] }, { provider: 'llama-cpp' }] }>().toExtend<VoiceStackConfig>();
    expectTypeOf<{ llm: llm.LLM }>().toExtend<VoiceStackConfig>();
    expectTypeOf<{ verbal: false }>().toExtend<VoiceStackConfig>();
  });

  it('rejects a wrong provider', () => {
    // @ts-expect-error 'openia' is not a provider
    void createVoiceStack({ llm: { provider: 'openia' } });
    expectTypeOf<{ llm: { provider: 'openia' } }>().not.toExtend<VoiceStackConfig>();
    // @ts-expect-error 'openroutr' is not a provider (test/types/provider-typo.slow.test.ts checks the message names it)
    void createVoiceStack({ llm: { provider: 'openroutr', models: ['a/b'] } });
  });

  it('rejects a missing required field', () => {
    // @ts-expect-error openai-compatible needs baseURL and model
    void createVoiceStack({ llm: { provider: 'openai-compatible' } });
    expectTypeOf<{ llm: { provider: 'inference' } }>().not.toExtend<VoiceStackConfig>();
  });

  it('rejects a wrong option type', () => {
    // @ts-expect-error temperature is a number
    void createVoiceStack({ llm: { provider: 'openai', temperature: 'hot' } });
  });

  it('types custom adapter entries from their options schema', () => {
    const acme = defineAdapter({
      modality: 'llm',
      provider: 'acme',
      options: z.object({ model: z.string(), region: z.enum(['eu', 'us']) }),
      create: () => ({}) as llm.LLM,
    });
    void createVoiceStack({ llm: [{ provider: 'acme', model: 'fast', region: 'eu' }, { provider: 'llama-cpp' }] }, { adapters: [acme] });
    // @ts-expect-error region must be 'eu' or 'us'
    void createVoiceStack({ llm: { provider: 'acme', model: 'fast', region: 'asia' } }, { adapters: [acme] });
    // @ts-expect-error without the adapter, 'acme' is unknown
    void createVoiceStack({ llm: { provider: 'acme', model: 'fast', region: 'eu' } });
  });
});
