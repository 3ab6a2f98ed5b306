import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type AnthropicLLMConfig, anthropicLLMOptions } from '../../src/providers/anthropic/anthropic-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('anthropic: schema and option type agree', () => {
  it('anthropicLLMOptions accepts exactly the fields of AnthropicLLMConfig', () => {
    expectTypeOf<z.input<typeof anthropicLLMOptions>>().toEqualTypeOf<OptionsOf<AnthropicLLMConfig>>();
  });
});
