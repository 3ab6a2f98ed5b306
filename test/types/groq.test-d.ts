import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type GroqLLMConfig, groqLLMOptions } from '../../src/providers/groq/groq-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('groq: schema and option type agree', () => {
  it('groqLLMOptions accepts exactly the fields of GroqLLMConfig', () => {
    expectTypeOf<z.input<typeof groqLLMOptions>>().toEqualTypeOf<OptionsOf<GroqLLMConfig>>();
  });
});
