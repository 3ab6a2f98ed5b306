// Two real copies of the package in one process, as when an app's ESM code and a CommonJS dependency both use it:
// the ESM build (`import`) and the CommonJS build (`require`). `instanceof` fails across them; `isInstance` must not,
// and must still tell the classes apart.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import * as esm from 'livekit-voice-stack';

const cjs = createRequire(import.meta.url)('livekit-voice-stack') as typeof esm;

it('loads two distinct copies', () => {
  expect(cjs.VoiceStackError).not.toBe(esm.VoiceStackError);
  expect(new cjs.VoiceStackError('STACK_CLOSED', 'x')).not.toBeInstanceOf(esm.VoiceStackError);
});

it('each error class recognises its own errors from the other copy, and only those', async () => {
  // Real throws: a config error from the CommonJS copy, a missing key from the ESM copy.
  const configError = await cjs.createVoiceStack({ llm: { provider: 'openia' } } as never).catch((error: unknown) => error);
  const missingKey = await esm.createVoiceStack({ llm: { provider: 'openai' } }, { env: {} }).catch((error: unknown) => error);
  const providerError = new cjs.ProviderError('Failed to chat with openai/gpt-4o-mini: 429. Fix: wait.', {
    category: 'rate_limit',
    modality: 'llm',
    label: 'openai/gpt-4o-mini',
  });
  const exhausted = new esm.RetriesExhaustedError('llm', [], 60_000);
  const errors = {
    ConfigError: configError,
    MissingAPIKeyError: missingKey,
    ProviderError: providerError,
    RetriesExhaustedError: exhausted,
  };
  for (const copy of [esm, cjs]) {
    for (const [errorName, error] of Object.entries(errors)) {
      expect(copy.VoiceStackError.isInstance(error), `VoiceStackError.isInstance(${errorName})`).toBe(true);
      for (const className of [
        'ConfigError',
        'MissingAPIKeyError',
        'MissingPackageError',
        'ProviderError',
        'RetriesExhaustedError',
      ] as const) {
        expect((copy[className] as typeof esm.VoiceStackError).isInstance(error), `${className}.isInstance(${errorName})`).toBe(
          className === errorName,
        );
      }
    }
  }
  expect(esm.ProviderError.isInstance(configError)).toBe(false);
  expect(cjs.VoiceStackError.isInstance(new Error('Failed to x. Fix: y.'))).toBe(false);
});
