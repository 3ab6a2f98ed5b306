import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type OpenRouterLLMConfig, openRouterLLMOptions } from '../../src/providers/openrouter/openrouter-llm-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('openrouter: schema and option type agree', () => {
  it('openRouterLLMOptions accepts exactly the fields of OpenRouterLLMConfig', () => {
    expectTypeOf<z.input<typeof openRouterLLMOptions>>().toEqualTypeOf<OptionsOf<OpenRouterLLMConfig>>();
  });
});
