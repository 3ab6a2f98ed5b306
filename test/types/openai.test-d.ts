import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type OpenAILLMConfig, openAILLMOptions } from '../../src/providers/openai/openai-llm-options.js';
import { type OpenAIRealtimeLLMConfig, openAIRealtimeLLMOptions } from '../../src/providers/openai/openai-realtime-llm-options.js';
import { type OpenAISTTConfig, openAISTTOptions } from '../../src/providers/openai/openai-stt-options.js';
import { type OpenAITTSConfig, openAITTSOptions } from '../../src/providers/openai/openai-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('openai: schema and option type agree', () => {
  it('openAILLMOptions accepts exactly the fields of OpenAILLMConfig', () => {
    expectTypeOf<z.input<typeof openAILLMOptions>>().toEqualTypeOf<OptionsOf<OpenAILLMConfig>>();
  });

  it('openAIRealtimeLLMOptions accepts exactly the fields of OpenAIRealtimeLLMConfig', () => {
    expectTypeOf<z.input<typeof openAIRealtimeLLMOptions>>().toEqualTypeOf<OptionsOf<OpenAIRealtimeLLMConfig>>();
  });

  it('openAISTTOptions accepts exactly the fields of OpenAISTTConfig', () => {
    expectTypeOf<z.input<typeof openAISTTOptions>>().toEqualTypeOf<OptionsOf<OpenAISTTConfig>>();
  });

  it('openAITTSOptions accepts exactly the fields of OpenAITTSConfig', () => {
    expectTypeOf<z.input<typeof openAITTSOptions>>().toEqualTypeOf<OptionsOf<OpenAITTSConfig>>();
  });
});
