import { expect } from 'vitest';
import { createVoiceStack, VoiceStackError } from '../../src/index.js';

/** The message of the `CONFIG_INVALID` error `createVoiceStack(config)` throws (validation comes before any provider is built). */
export async function configProblems(config: unknown): Promise<string> {
  const error = await createVoiceStack(config as never, { env: {} }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(VoiceStackError.isInstance(error)).toBe(true);
  expect((error as VoiceStackError).code).toBe('CONFIG_INVALID');
  return (error as Error).message;
}
