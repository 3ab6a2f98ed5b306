import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type OpenAICompatibleLLMConfig,
  openAICompatibleLLMOptions,
} from '../../src/providers/openai-compatible/openai-compatible-llm-options.js';
import {
  type OpenAICompatibleSTTConfig,
  openAICompatibleSTTOptions,
} from '../../src/providers/openai-compatible/openai-compatible-stt-options.js';
import {
  type OpenAICompatibleTTSConfig,
  openAICompatibleTTSOptions,
} from '../../src/providers/openai-compatible/openai-compatible-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('openai-compatible: schema and option type agree', () => {
  it('openAICompatibleLLMOptions accepts exactly the fields of OpenAICompatibleLLMConfig', () => {
    expectTypeOf<z.input<typeof openAICompatibleLLMOptions>>().toEqualTypeOf<OptionsOf<OpenAICompatibleLLMConfig>>();
  });

  it('openAICompatibleSTTOptions accepts exactly the fields of OpenAICompatibleSTTConfig', () => {
    expectTypeOf<z.input<typeof openAICompatibleSTTOptions>>().toEqualTypeOf<OptionsOf<OpenAICompatibleSTTConfig>>();
  });

  it('openAICompatibleTTSOptions accepts exactly the fields of OpenAICompatibleTTSConfig', () => {
    expectTypeOf<z.input<typeof openAICompatibleTTSOptions>>().toEqualTypeOf<OptionsOf<OpenAICompatibleTTSConfig>>();
  });
});
