// What users see of errors from the ESM build: class names, and every missing key at once.
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { ConfigError, createVoiceStack, VoiceStackError } from 'livekit-voice-stack';

it('errors print their class name', async () => {
  const error = await createVoiceStack({ llm: { provider: 'openia' } } as never).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect(inspect(error)).toMatch(/^ConfigError: Failed to read the config/);
});

it('every missing key in one error', async () => {
  const error = await createVoiceStack(
    { stt: { provider: 'deepgram' }, llm: { provider: 'openai' }, tts: { provider: 'cartesia' } },
    { env: {} },
  ).catch((e: unknown) => e);
  expect(VoiceStackError.isInstance(error) && error.code).toBe('MISSING_API_KEY');
  for (const variable of ['DEEPGRAM_API_KEY', 'OPENAI_API_KEY', 'CARTESIA_API_KEY']) expect(String(error)).toContain(variable);
});
