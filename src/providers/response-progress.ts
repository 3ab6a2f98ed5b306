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

const current = new AsyncLocalStorage<ResponseProgress>();

/**
 * Runs `start` so that the requests it starts, now or in tasks it schedules (an `LLMStream` starts its work on the
 * next tick), report their streamed bodies to `progress` when they go through an option's `fetch`.
 */
export function withResponseProgress<T>(progress: ResponseProgress, start: () => T): T {
  return current.run(progress, start);
}

/** The progress the current request reports to, if a chain attempt started it. */
export function currentResponseProgress(): ResponseProgress | undefined {
  return current.getStore();
}

const DATA = Buffer.from('data:');

/**
 * `response` with its SSE body read through a reader that ticks `progress` on every chunk holding a data event, while
 * `progress` is {@link ResponseProgress.watching}; then it only passes reads on. The SDK's own reader is wrapped
 * (the stream's async iterator, or `getReader()`) rather than the body piped through a `TransformStream`, which
 * costs several promises per chunk for the whole reply (measured: most of the chain's CPU per turn over the plugin's).
 * Other responses are returned untouched.
 */
export function observeProgress(response: Response, progress: ResponseProgress): Response {
  const body = response.body;
  if (!body || !response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
  const note = (result: ReadableStreamReadResult<Uint8Array>) => {
    const chunk = result.value;
    if (chunk && Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(DATA)) progress.tick();
    return result;
  };
  const observed = <R extends Promise<ReadableStreamReadResult<Uint8Array>>>(read: () => R) =>
    (() => (progress.watching ? read().then(note) : read())) as () => R;
  const { getReader } = body;
  const values = (body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator];
  // Own properties of this body only: `clone()`, `text()` and the stream's internals keep their own readers.
  Object.defineProperties(body, {
    getReader: {
      configurable: true,
      value(this: ReadableStream<Uint8Array>, ...args: Parameters<typeof getReader>) {
        const reader = getReader.apply(this, args) as ReadableStreamDefaultReader<Uint8Array>;
        if (typeof reader.read === 'function') reader.read = observed(reader.read.bind(reader));
        return reader;
      },
    },
    [Symbol.asyncIterator]: {
      configurable: true,
      value(this: AsyncIterable<Uint8Array>, ...args: unknown[]) {
        const iterator = (values as (...args: unknown[]) => AsyncIterator<Uint8Array>).apply(this, args);
        iterator.next = observed(iterator.next.bind(iterator) as () => Promise<ReadableStreamReadResult<Uint8Array>>);
        return iterator;
      },
    },
  });
  return response;
}
