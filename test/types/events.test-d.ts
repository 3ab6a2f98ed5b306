import { describe, expectTypeOf, it } from 'vitest';
import type { VoiceStack, VoiceStackEvents } from '../../src/index.js';

describe('VoiceStack events', () => {
  it('are the documented ones: warnings go to the logger, not to an event', () => {
    expectTypeOf<keyof VoiceStackEvents>().toEqualTypeOf<
      'retry' | 'fallback' | 'holding' | 'exhausted' | 'recovered' | 'turn' | 'transcript'
    >();
    const on = (stack: VoiceStack) => {
      // @ts-expect-error no `warning` event (most warnings happen inside createVoiceStack(), before any listener)
      stack.on('warning', () => undefined);
    };
    expectTypeOf(on).toBeFunction();
  });
});
