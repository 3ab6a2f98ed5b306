import { type APIConnectOptions, DEFAULT_API_CONNECT_OPTIONS, llm } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { createVoiceStack, DEFAULT_VERBAL_OPTIONS, type RetryOptions, type StateStore, type VoiceStack } from '../src/index.js';

/** One LLM under test, called the way an `AgentSession` calls it. */
export interface Contender {
  readonly name: string;
  readonly llm: llm.LLM;
  /** What the session would pass as `connOptions`. */
  readonly connOptions: APIConnectOptions;
  /** The stack behind it, when it is one (for `stack.llm` introspection). */
  readonly stack?: VoiceStack;
  close(): Promise<void>;
}

/** One timed turn. Durations in ms from `llm.chat()`. */
export interface Turn {
  /** First content from the provider (the chain's holding phrase does not count). */
  ttftMs: number;
  totalMs: number;
  /** The turn began with text that was not the provider's (the stack's holding phrase). */
  held: boolean;
  error?: string;
}

/** The chain's holding phrase is its own text, not the provider's answer: TTFT is the provider's first token. */
export function fromProvider(content: string): boolean {
  return !DEFAULT_VERBAL_OPTIONS.holding.some((phrase) => content.includes(phrase));
}

const noop = () => {};

/** A raw `openai.LLM` of the LiveKit plugin, as an agent would build it by hand. */
export function rawLLM(baseURL: string, model: string): llm.LLM {
  const instance = new openai.LLM({ model, baseURL, apiKey: 'bench' });
  // A failed stream also emits 'error' on its LLM: without a listener Node's EventEmitter throws.
  instance.on('error', noop);
  return instance;
}

export function rawContender(name: string, baseURL: string, model: string): Contender {
  const instance = rawLLM(baseURL, model);
  return { name, llm: instance, connOptions: DEFAULT_API_CONNECT_OPTIONS, close: () => instance.aclose() };
}

/** LiveKit's `llm.FallbackAdapter` with its defaults over raw plugin LLMs. */
export function fallbackAdapterContender(name: string, baseURL: string, models: string[]): Contender {
  const children = models.map((model) => rawLLM(baseURL, model));
  const adapter = new llm.FallbackAdapter({ llms: children });
  adapter.on('error', noop);
  return {
    name,
    llm: adapter,
    connOptions: DEFAULT_API_CONNECT_OPTIONS,
    close: async () => {
      await adapter.aclose();
      await Promise.all(children.map((child) => child.aclose()));
    },
  };
}

/**
 * `createVoiceStack(...).llm` over `openai-compatible` options on the bench endpoint: whatever the stack ships today,
 * with its default store (the machine store) unless `store` is given.
 */
export async function stackContender(
  name: string,
  baseURL: string,
  models: string[],
  retry?: RetryOptions,
  store?: StateStore,
): Promise<Contender> {
  const stack = await createVoiceStack(
    {
      llm: models.map((model) => ({ provider: 'openai-compatible' as const, baseURL, model })),
      ...(retry && { retry }),
    },
    store && { store },
  );
  const instance = stack.llm as llm.LLM;
  instance.on('error', noop);
  return {
    name,
    llm: instance,
    // The session merges its connOptions over LiveKit's defaults (agent_session.ts).
    connOptions: { ...DEFAULT_API_CONNECT_OPTIONS, ...stack.sessionOptions().connOptions.llmConnOptions },
    stack,
    close: () => stack.close(),
  };
}

/** True when `stack.llm` is still LiveKit's FallbackAdapter (our own chain not shipped yet). */
export function isLiveKitFallbackAdapter(instance: unknown): boolean {
  return instance instanceof llm.FallbackAdapter;
}

const chatCtx = llm.ChatContext.empty();
chatCtx.addMessage({ role: 'user', content: 'Say hello.' });

/**
 * Runs one turn: `llm.chat({ chatCtx })`, iterating every chunk. TTFT is the first chunk with content that
 * `accept` takes (default: not a holding phrase); a turn without one is an error. `deadlineMs` bounds a hung turn.
 */
export async function timeTurn(
  contender: Contender,
  options: { accept?: (content: string) => boolean; deadlineMs?: number } = {},
): Promise<Turn> {
  const accept = options.accept ?? fromProvider;
  const start = performance.now();
  const stream = contender.llm.chat({ chatCtx, connOptions: contender.connOptions });
  let ttft = Number.NaN;
  let held = false;
  let error: string | undefined;
  const deadline = setTimeout(() => {
    error = `no end after ${options.deadlineMs ?? 60_000} ms`;
    stream.close();
  }, options.deadlineMs ?? 60_000);
  try {
    for await (const chunk of stream) {
      const content = chunk.delta?.content;
      if (!content || !Number.isNaN(ttft)) continue;
      if (accept(content)) ttft = performance.now() - start;
      else held = true;
    }
  } catch (cause) {
    error ??= cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  } finally {
    clearTimeout(deadline);
    stream.close();
  }
  const totalMs = performance.now() - start;
  if (!error && Number.isNaN(ttft)) error = 'no content';
  return { ttftMs: ttft, totalMs, held, ...(error && { error }) };
}
