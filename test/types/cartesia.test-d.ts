import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type CartesiaTTSConfig, cartesiaTTSOptions } from '../../src/providers/cartesia/cartesia-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('cartesia: schema and option type agree', () => {
  it('cartesiaTTSOptions accepts exactly the fields of CartesiaTTSConfig', () => {
    expectTypeOf<z.input<typeof cartesiaTTSOptions>>().toEqualTypeOf<OptionsOf<CartesiaTTSConfig>>();
  });
});
