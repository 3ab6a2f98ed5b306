// Brands make `isInstance` work across copies of the package: `Symbol.for` keys are shared by every copy in a process,
// and the strings survive bundlers that rename classes.

/** On each error class: its stable name. */
export const BRAND = Symbol.for('livekit-voice-stack.error.class');

/** On each error: the brands of its class and of every ancestor up to `VoiceStackError`. */
export const BRANDS = Symbol.for('livekit-voice-stack.error');
