import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type DeepgramSTTConfig, deepgramSTTOptions } from '../../src/providers/deepgram/deepgram-stt-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('deepgram: schema and option type agree', () => {
  it('deepgramSTTOptions accepts exactly the fields of DeepgramSTTConfig', () => {
    expectTypeOf<z.input<typeof deepgramSTTOptions>>().toEqualTypeOf<OptionsOf<DeepgramSTTConfig>>();
  });
});
