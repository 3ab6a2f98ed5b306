import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { type VoskSTTConfig, voskSTTOptions } from '../../src/providers/vosk/vosk-stt-options.js';
import type { OptionsOf } from '../helpers/options-of.js';

describe('vosk: schema and option type agree', () => {
  it('voskSTTOptions accepts exactly the fields of VoskSTTConfig', () => {
    expectTypeOf<z.input<typeof voskSTTOptions>>().toEqualTypeOf<OptionsOf<VoskSTTConfig>>();
  });
});
