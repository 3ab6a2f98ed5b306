// A process outside any test runner (VITEST and friends removed from its environment), as an agent in production:
// builds a stack and a mode controller on the default store, prints what they saw as JSON.
import { createModeController, createVoiceStack } from '../../../src/index.js';

const warnings: string[] = [];
const logger = { debug() {}, info() {}, warn: (message: string) => void warnings.push(message), error() {} };
const config = { llm: { provider: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1', model: 'm' } };
try {
  const stack = await createVoiceStack(config, { logger, env: {} });
  const controller = createModeController({ modes: { planted: config, mine: config }, mode: 'mine', createOptions: { logger } });
  const mode = controller.mode;
  await controller.close();
  await stack.close();
  process.stdout.write(`${JSON.stringify({ ok: true, mode, warnings })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error), warnings })}\n`);
}
