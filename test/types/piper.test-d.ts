import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type PiperTTSConfig, piperTTSOptions } from '../../src/providers/piper/piper-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('piper: schema and option type agree', () => {
  it('piperTTSOptions accepts exactly the fields of PiperTTSConfig', () => {
    expectTypeOf<z.input<typeof piperTTSOptions>>().toEqualTypeOf<OptionsOf<PiperTTSConfig>>();
  });
});
