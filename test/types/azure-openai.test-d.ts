import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type AzureOpenAILLMConfig, azureOpenAILLMOptions } from '../../src/providers/azure-openai/azure-openai-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('azure-openai: schema and option type agree', () => {
  it('azureOpenAILLMOptions accepts exactly the fields of AzureOpenAILLMConfig', () => {
    expectTypeOf<z.input<typeof azureOpenAILLMOptions>>().toEqualTypeOf<OptionsOf<AzureOpenAILLMConfig>>();
  });
});
