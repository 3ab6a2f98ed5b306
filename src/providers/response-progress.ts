import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one streamed response (or a turn's responses, through `parent`) has received so far. The OpenAI-format
 * plugins yield a tool call only once its last argument fragment arrived, so a chain that watches the plugin's chunks
 * sees silence while the model is streaming; this sees the SSE `data:` events themselves (keep-alive comments such as
 * `: OPENROUTER PROCESSING` do not count). The chain's timers ask it before they hedge, time out or hold.
 */
export class ResponseProgress {
  /** When the last SSE data event arrived, epoch ms. */
  lastDataAt: number | undefined;

  constructor(readonly parent?: ResponseProgress) {}

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
 * `response` with its SSE body passed through a reader that ticks `progress` on every chunk holding a data event.
 * Other responses are returned untouched.
 */
export function observeProgress(response: Response, progress: ResponseProgress): Response {
  const body = response.body;
  if (!body || !response.ok || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
  const observed = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(DATA)) progress.tick();
        controller.enqueue(chunk);
      },
    }),
  );
  // The SDK reads `response.body` (its SSE decoder); everything else about the response stays as it was.
  Object.defineProperty(response, 'body', { value: observed, configurable: true });
  return response;
}
