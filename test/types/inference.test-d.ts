import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type InferenceLLMConfig, inferenceLLMOptions } from '../../src/providers/inference/inference-llm-options.js';
import { type InferenceSTTConfig, inferenceSTTOptions } from '../../src/providers/inference/inference-stt-options.js';
import { type InferenceTTSConfig, inferenceTTSOptions } from '../../src/providers/inference/inference-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('inference: schema and option type agree', () => {
  it('inferenceLLMOptions accepts exactly the fields of InferenceLLMConfig', () => {
    expectTypeOf<z.input<typeof inferenceLLMOptions>>().toEqualTypeOf<OptionsOf<InferenceLLMConfig>>();
  });

  it('inferenceSTTOptions accepts exactly the fields of InferenceSTTConfig', () => {
    expectTypeOf<z.input<typeof inferenceSTTOptions>>().toEqualTypeOf<OptionsOf<InferenceSTTConfig>>();
  });

  it('inferenceTTSOptions accepts exactly the fields of InferenceTTSConfig', () => {
    expectTypeOf<z.input<typeof inferenceTTSOptions>>().toEqualTypeOf<OptionsOf<InferenceTTSConfig>>();
  });
});
