import { createVoiceStack, type VoiceStack } from '../../src/index.js';

/** Runs `run` with a stack built from `config` and `options`, and closes the stack afterwards, whatever happens. */
export async function withStack<T>(
  config: Parameters<typeof createVoiceStack>[0],
  options: Parameters<typeof createVoiceStack>[1],
  run: (stack: VoiceStack) => Promise<T>,
): Promise<T> {
  const stack = await createVoiceStack(config, options);
  try {
    return await run(stack);
  } finally {
    await stack.close();
  }
}
