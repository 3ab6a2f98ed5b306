import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one streamed response (or a turn's responses, through `parent`) has received so far. The OpenAI-format
 * plugins yield a tool call only once its last argument fragment arrived, so a chain that watches the plugin's chunks
 * sees silence while the model is streaming; this sees the SSE `data:` events themselves (keep-alive comments such as
 * `: OPENROUTER PROCESSING` do not count). The chain's timers ask it before they hedge, time out or hold: only until
 * the turn's first token ({@link answered}), after which the responses stop reporting.
 */
export class ResponseProgress {
  /** When the last SSE data event arrived, epoch ms. */
  lastDataAt: number | undefined;
  #answered = false;

  constructor(readonly parent?: ResponseProgress) {}

  /** Someone still asks: the turn has no first token yet. */
  get watching(): boolean {
    return !this.#answered && (this.parent?.watching ?? true);
  }

  /** The turn has its first token: nothing asks any more, so its responses stop reporting (they cost per chunk). */
  answered(): void {
    this.#answered = true;
  }

  /** An SSE data event arrived. */
  tick(now = Date.now()): void {
    this.lastDataAt = now;
    this.parent?.tick(now);
  }

  /** The provider is answering: a data event arrived within the last `withinMs`. */
  streaming(withinMs: number, now = Date.now()): boolean {
    return this.lastDataAt !== undefined && now - this.lastDataAt <= withinMs;
  }
}

/**
 * How an attempt's progress reaches its option's `fetch`. An OpenAI SDK client we build carries it on each request
 * ({@link carryResponseProgress}): the LiveKit plugin hands the SDK its stream's abort signal, the client's
 * `prepareRequest` hook finds the progress the attempt put on that signal and puts it on the request under this symbol,
 * and the SDK passes the request's own properties on to `fetch`. Other clients (a custom adapter's) are reached through
 * `AsyncLocalStorage`, which costs more: once a process has run one, every promise it makes pays a hook (measured:
 * about 175 µs of CPU a turn in the bench, where a plain plugin turn takes about 5 ms).
 */
const PROGRESS = Symbol('livekit-voice-stack.responseProgress');
/** The `context.fetch` of options whose client carries progress on its requests. */
const carryingFetches = new WeakSet<typeof fetch>();
const current = new AsyncLocalStorage<ResponseProgress>();

/** The part of an OpenAI SDK client that carries progress: its documented hook for adjusting a request. */
interface RequestPreparer {
  prepareRequest(request: RequestInit, context: { url: string; options: { signal?: AbortSignal | null | undefined } }): Promise<void>;
}

/**
 * Makes `client` (whose `fetch` is the option's `fetch`) put the progress registered for a request's signal
 * ({@link expectResponseProgress}) on the request, so that the option's `fetch` finds it without `AsyncLocalStorage`.
 */
export function carryResponseProgress(client: object, fetch: typeof globalThis.fetch): void {
  const target = client as Partial<RequestPreparer>;
  const prepareRequest = target.prepareRequest;
  if (typeof prepareRequest !== 'function') return;
  target.prepareRequest = function (this: unknown, request, context) {
    const progress = (context.options.signal as ProgressCarrier | null | undefined)?.[PROGRESS];
    if (progress) (request as ProgressCarrier)[PROGRESS] = progress;
    return prepareRequest.call(this, request, context);
  };
  carryingFetches.add(fetch);
}

/** Whether requests through `fetch` carry their progress ({@link carryResponseProgress}). */
export function carriesResponseProgress(fetch: typeof globalThis.fetch): boolean {
  return carryingFetches.has(fetch);
}

/**
 * The request sent with `signal` (a stream's abort signal) reports its streamed body to `progress`. The progress
 * rides on the signal itself, under a symbol, and goes with it (a `WeakMap` costs more for every turn's signal).
 */
export function expectResponseProgress(signal: AbortSignal, progress: ResponseProgress): void {
  (signal as ProgressCarrier)[PROGRESS] = progress;
}

/**
 * Runs `start` so that the requests it starts, now or in tasks it schedules (an `LLMStream` starts its work on the
 * next tick), report their streamed bodies to `progress` when they go through an option's `fetch`.
 */
export function withResponseProgress<T>(progress: ResponseProgress, start: () => T): T {
  return current.run(progress, start);
}

/** The progress the request `init` reports to, if a chain attempt started it. */
export function responseProgressOf(init: RequestInit | undefined): ResponseProgress | undefined {
  return (init as ProgressCarrier | undefined)?.[PROGRESS] ?? current.getStore();
}

/** A request or a signal that carries a progress. */
interface ProgressCarrier {
  [PROGRESS]?: ResponseProgress;
}

const DATA = Buffer.from('data:');

/**
 * Whether an SSE chunk holds a data event (`data:`). A chunk is one or a few short events: finding its `d`s and
 * comparing four bytes costs less than a Buffer view and `Buffer#includes` for each read.
 */
export function holdsData(chunk: Uint8Array): boolean {
  const last = chunk.length - DATA.length;
  for (let at = chunk.indexOf(DATA[0]!); at >= 0 && at <= last; at = chunk.indexOf(DATA[0]!, at + 1)) {
    let matched = 1;
    while (matched < DATA.length && chunk[at + matched] === DATA[matched]) matched++;
    if (matched === DATA.length) return true;
  }
  return false;
}

/**
 * `response` with its body read through a reader that ticks `progress` on every chunk holding an SSE data event,
 * while `progress` is {@link ResponseProgress.watching}; then it only passes reads on. The SDK's own reader is wrapped
 * (the stream's async iterator, or `getReader()`) rather than the body piped through a `TransformStream`, which
 * costs several promises per chunk for the whole reply (measured: most of the chain's CPU per turn over the plugin's).
 * Error responses and responses without a body are returned untouched. The body's content type is not checked: the
 * chain asks for streamed replies only, and reading a header costs more than the wrap (measured: about 10 µs).
 */
export function observeProgress(response: Response, progress: ResponseProgress): Response {
  const body = response.body as (ReadableStream<Uint8Array> & AsyncIterable<Uint8Array>) | null;
  if (!body || !response.ok) return response;
  const { getReader } = body;
  const values = body[Symbol.asyncIterator];
  // Own properties of this body only: `clone()`, `text()` and the stream's internals keep their own readers. Plain
  // assignments (both are writable methods of the prototype): `Object.defineProperties` cost 16 µs more a response.
  body.getReader = function (this: ReadableStream<Uint8Array>, ...args: Parameters<typeof getReader>) {
    const reader = getReader.apply(this, args) as ReadableStreamDefaultReader<Uint8Array>;
    if (typeof reader.read === 'function') reader.read = observed(reader.read.bind(reader), progress);
    return reader;
  } as typeof getReader;
  body[Symbol.asyncIterator] = function (this: AsyncIterable<Uint8Array>, ...args: unknown[]) {
    const iterator = (values as (...args: unknown[]) => AsyncIterator<Uint8Array>).apply(this, args);
    iterator.next = observed(iterator.next.bind(iterator) as () => Promise<ReadableStreamReadResult<Uint8Array>>, progress);
    return iterator;
  } as typeof values;
  return response;
}

/** `read`, ticking `progress` on each chunk that holds a data event while the turn has no first token yet. */
function observed<R extends Promise<ReadableStreamReadResult<Uint8Array>>>(read: () => R, progress: ResponseProgress): () => R {
  return (() =>
    progress.watching
      ? read().then((result) => {
          if (result.value && holdsData(result.value)) progress.tick();
          return result;
        })
      : read()) as () => R;
}
