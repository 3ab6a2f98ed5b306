/** Recognisable fake keys, one per speech provider: none may appear in anything the stack produces. */
export const SPEECH_KEYS = {
  // Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
  openai: 'sk' + '-proj-FAKEKEY-openai-speech-0123456789abcdef',
  cartesia: 'sk_car_FAKEKEY-cartesia-0123456789abcdef',
  elevenlabs: 'xi-FAKEKEY-elevenlabs-0123456789abcdef',
  deepgram: 'dgFAKEKEYdeepgram0123456789abcdef0123',
  livekitKey: 'APIFAKEKEYlivekit01',
  livekitSecret: 'FAKESECRETlivekitInference0123456789abcdef',
} as const;
