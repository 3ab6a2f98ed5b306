import { createVoiceStack } from '../../src/index.js';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { recordEvents, recordingLogger } from './recorders.js';

// Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
export const OPENROUTER_KEY = 'sk' + '-or-v1-FAKEKEY-openrouter-0123456789abcdef';
export const LLAMA_KEY = 'sk' + '-llama-FAKEKEY-local-0123456789abcdef';

/** OpenRouter with models `a` and `b`, and a local llama.cpp: the chain `openrouter/a → openrouter/b → llama-cpp/local`. */
export function chainEndpoints() {
  const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello from OpenRouter.' });
  const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
  return { openrouter, llama, handlers: [...openrouter.handlers, ...llama.handlers] };
}

type Config = Parameters<typeof createVoiceStack>[0];

/** `openrouter/a → openrouter/b → llama-cpp/local` with fake keys and a recording logger. */
export async function chainStack(overrides: Partial<Config> = {}, llm?: Config['llm']) {
  const logger = recordingLogger();
  const stack = await createVoiceStack(
    {
      llm: llm ?? [
        { provider: 'openrouter', models: ['a', 'b'], apiKey: OPENROUTER_KEY },
        { provider: 'llama-cpp', apiKey: LLAMA_KEY },
      ],
      ...overrides,
    } as Config,
    { logger, env: {} },
  );
  return { stack, logger, recorder: recordEvents(stack) };
}

/**
 * A primary and a backup OpenAI-compatible endpoint, and `config`: the LLM chain `primary-model → backup-model` on them.
 * Pass `handlers` to `useMswServer()`.
 */
export function primaryAndBackup() {
  const primary = mockOpenAIEndpoint({ baseURL: 'https://primary.example/v1', reply: 'From the primary.' });
  const backup = mockOpenAIEndpoint({ baseURL: 'https://backup.example/v1', reply: 'From the backup.' });
  const config = {
    llm: [
      { provider: 'openai-compatible' as const, baseURL: primary.baseURL, model: 'primary-model' },
      { provider: 'openai-compatible' as const, baseURL: backup.baseURL, model: 'backup-model' },
    ],
  };
  return { primary, backup, config, handlers: [...primary.handlers, ...backup.handlers] };
}
