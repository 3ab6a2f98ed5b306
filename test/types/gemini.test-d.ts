import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type GeminiLLMConfig, geminiLLMOptions } from '../../src/providers/gemini/gemini-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('gemini: schema and option type agree', () => {
  it('geminiLLMOptions accepts exactly the fields of GeminiLLMConfig', () => {
    expectTypeOf<z.input<typeof geminiLLMOptions>>().toEqualTypeOf<OptionsOf<GeminiLLMConfig>>();
  });
});
