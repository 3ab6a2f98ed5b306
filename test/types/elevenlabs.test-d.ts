import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type ElevenLabsTTSConfig, elevenLabsTTSOptions } from '../../src/providers/elevenlabs/elevenlabs-tts-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('elevenlabs: schema and option type agree', () => {
  it('elevenLabsTTSOptions accepts exactly the fields of ElevenLabsTTSConfig', () => {
    expectTypeOf<z.input<typeof elevenLabsTTSOptions>>().toEqualTypeOf<OptionsOf<ElevenLabsTTSConfig>>();
  });
});
