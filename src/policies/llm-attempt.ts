import { type APIConnectOptions, llm } from '@livekit/agents';
import type { ProviderOption } from '../providers/provider-option.js';
import { carriesResponseProgress, expectResponseProgress, ResponseProgress, withResponseProgress } from '../providers/response-progress.js';
import { captureRunFailure, requestSignalOf } from '../providers/livekit-internals.js';

/** Time to first token of an option whose config sets no `timeoutMs`, in ms (LiveKit's default). */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 10_000;

/** What the chain forwards to every option: the same context, tools and tool choice. */
export type ChildRequest = Omit<Parameters<llm.LLM['chat']>[0], 'connOptions'>;

/** What the chain reads from an attempt's stream. */
export type AttemptStream = AsyncIterableIterator<llm.ChatChunk> & Pick<llm.LLMStream, 'close'>;

/**
 * One request to one option: the child's stream, the failure its run reported, and what its response streamed so
 * far (`progress`, fed by the option's `fetch`: a tool call streams for seconds before the plugin yields it).
 */
export class Attempt {
  readonly stream: AttemptStream;
  readonly progress: ResponseProgress;
  error: unknown;

  constructor(
    readonly option: ProviderOption<'llm'>,
    request: ChildRequest,
    readonly startedAt = Date.now(),
    /** The turn's progress, which every attempt of the turn also ticks. */
    turnProgress?: ResponseProgress,
  ) {
    const connOptions: APIConnectOptions = { maxRetry: 0, timeoutMs: timeoutOf(option), retryIntervalMs: 0 };
    this.progress = new ResponseProgress(turnProgress);
    let stream: llm.LLMStream;
    try {
      stream = startChat(option, { ...request, connOptions }, this.progress);
    } catch (error) {
      // chat() threw before any stream existed (e.g. a custom LLM that rejects a tool schema): this option's failure.
      this.error = error;
      this.stream = endedStream();
      return;
    }
    this.stream = stream;
    // A child stream ends its iteration quietly on failure and reports the error on its LLM instance, which many
    // streams share: capturing this stream's own run() ties the failure to this attempt.
    captureRunFailure(stream, (error) => (this.error = error));
  }
}

/**
 * `chat()` on the option, with its response reporting to `progress`: through the request itself when the option's
 * client carries progress (the stream's request starts on a later tick, so registering its signal now is in time),
 * else through `AsyncLocalStorage` (a custom adapter's client).
 */
function startChat(option: ProviderOption<'llm'>, request: Parameters<llm.LLM['chat']>[0], progress: ResponseProgress): llm.LLMStream {
  const instance = option.instance as llm.LLM;
  if (!carriesResponseProgress(option.responses.fetch)) return withResponseProgress(progress, () => instance.chat(request));
  const stream = instance.chat(request);
  // A LiveKit version without the stream's signal leaves the progress unfed: tool calls then count as silence.
  const signal = requestSignalOf(stream);
  if (signal) expectResponseProgress(signal, progress);
  return stream;
}

/** A stream that ends at once: what an attempt whose chat() threw reads (its `error` says why). */
function endedStream(): AttemptStream {
  const stream: AttemptStream = {
    next: () => Promise.resolve({ done: true, value: undefined }),
    close: () => undefined,
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

/** The option's time to first token (`timeoutMs` of its config entry), in ms. */
export function timeoutOf(option: ProviderOption<'llm'>): number {
  const timeoutMs = (option.source?.options as { timeoutMs?: unknown } | undefined)?.timeoutMs;
  return typeof timeoutMs === 'number' && timeoutMs > 0 ? timeoutMs : DEFAULT_FIRST_TOKEN_TIMEOUT_MS;
}
