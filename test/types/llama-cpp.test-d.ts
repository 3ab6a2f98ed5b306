import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type LlamaCppLLMConfig, llamaCppLLMOptions } from '../../src/providers/llama-cpp/llama-cpp-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('llama-cpp: schema and option type agree', () => {
  it('llamaCppLLMOptions accepts exactly the fields of LlamaCppLLMConfig', () => {
    expectTypeOf<z.input<typeof llamaCppLLMOptions>>().toEqualTypeOf<OptionsOf<LlamaCppLLMConfig>>();
  });
});
