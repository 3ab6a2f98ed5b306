import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../config/logger.js';
import { isSecretKey, maskText } from '../config/secrets.js';
import type { TranscriptEvent } from '../policies/events.js';
import type { VoiceStack } from './voice-stack.js';
import { discardBody } from '../config/discard-body.js';
import { readText } from '../config/read-text.js';

/** Options of {@link forwardTranscripts}. */
export interface ForwardTranscriptsOptions {
  /** Your backend's endpoint: each batch is `POST`ed there as JSON `{ transcripts: [...] }`. */
  url: string;
  /** Extra request headers (e.g. `Authorization`). Never logged. */
  headers?: Record<string, string>;
  /** How long transcripts gather before a batch is sent, in ms. @default 1000 */
  batchMs?: number;
  /** Most transcripts in one request. @default 100 */
  maxBatch?: number;
  /** Most transcripts waiting to be sent; beyond it the oldest are dropped (and logged). @default 1000 */
  maxQueue?: number;
  /** Retries of a failed batch (network error, 408, 429, 5xx), with backoff, before it is dropped (and logged). @default 3 */
  retries?: number;
  /** Time allowed for each request, in ms. @default 5000 */
  timeoutMs?: number;
  /**
   * Time `close()` allows for sending what is queued, in ms: past it the request in flight is aborted and what is
   * left is dropped (and logged), so a backend that never answers cannot hold up shutdown. @default 10000
   */
  closeTimeoutMs?: number;
  /** Also forward interim user transcripts. @default false (final ones only) */
  interim?: boolean;
  /** The HTTP client. @default globalThis.fetch, looked up at each request */
  fetch?: typeof fetch;
  /** Where dropped batches are logged. @default the stack's logger */
  logger?: Logger;
}

/** One forwarded transcript: the event, and when it was said. */
export type ForwardedTranscript = TranscriptEvent & { at: string };

/** What {@link forwardTranscripts} returns. */
export interface TranscriptForwarder {
  /** Sends what is queued now and resolves when the queue is empty (or what failed is dropped). */
  flush(): Promise<void>;
  /** Stops listening, sends what is queued, then resolves; within `closeTimeoutMs` whatever the backend does. Safe to call twice. */
  close(): Promise<void>;
  /** Transcripts dropped so far (queue full, or a batch that kept failing). */
  readonly dropped: number;
}

/**
 * Forwards the stack's `transcript` events (every call's, each with its `sessionId`, and inside a job its `roomName` and
 * `jobId`) to your backend in batches. The listener only queues: a slow or down backend never delays a call nor
 * breaks it. Failed batches are retried with backoff (p-retry); the queue is bounded, and whatever is dropped is logged.
 *
 * @example
 * const forwarder = forwardTranscripts(stack, { url: 'https://app.example.com/api/transcripts', headers: { authorization: `Bearer ${token}` } });
 * // …at shutdown:
 * await forwarder.close();
 */
export function forwardTranscripts(stack: VoiceStack, options: ForwardTranscriptsOptions): TranscriptForwarder {
  const batchMs = options.batchMs ?? 1_000;
  const maxBatch = options.maxBatch ?? 100;
  const maxQueue = options.maxQueue ?? 1_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const closeReason = `the backend did not take them within closeTimeoutMs (${closeTimeoutMs} ms) of close()`;
  const logger = options.logger ?? stack.logger;
  const where = safeURL(options.url);
  // `https://user:pass@host/…`: fetch refuses a URL with credentials, so they travel as Basic auth instead.
  const { url: target, authorization, secrets } = splitCredentials(options.url);
  // What reaches a log goes through the masking helpers: fetch's messages quote the whole URL (credentials, `?token=`).
  const mask = (text: string) => maskText(text, [...secrets, ...Object.values(options.headers ?? {})]);
  // Aborted by close()'s deadline: the request in flight and any retry still to come.
  const deadline = new AbortController();
  const queue: ForwardedTranscript[] = [];
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> | undefined;
  let closing: Promise<void> | undefined;

  const drop = (count: number, reason: string) => {
    dropped += count;
    logger.warn(mask(`Failed to forward ${count} transcript${count === 1 ? '' : 's'} to ${where}: ${reason}. They are dropped.`), {
      dropped: count,
      totalDropped: dropped,
    });
  };

  const post = async (batch: ForwardedTranscript[]) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const body = JSON.stringify({ transcripts: batch });
    await pRetry(
      async () => {
        const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 5_000), deadline.signal]);
        const response = await doFetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization && { authorization }), ...options.headers },
          body,
          signal,
        });
        if (response.ok) {
          discardBody(response);
          return;
        }
        const detail = await errorSnippet(response);
        const error = new Error(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
        // A 4xx other than 408/429 will not heal by itself.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) throw new AbortError(error);
        throw error;
      },
      { retries: options.retries ?? 3, minTimeout: 250, maxTimeout: 4_000, randomize: true, signal: deadline.signal },
    );
  };

  const sendAll = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await post(batch);
      } catch (error) {
        drop(batch.length, deadline.signal.aborted ? closeReason : ((error as Error)?.message ?? String(error)));
      }
    }
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    sending ??= sendAll().finally(() => (sending = undefined));
    return sending;
  };

  const schedule = () => {
    if (timer || sending) return;
    timer = setTimeout(() => void flush(), batchMs);
    timer.unref?.();
  };

  const onTranscript = (event: TranscriptEvent) => {
    if (!event.final && !options.interim) return;
    queue.push({ ...event, at: new Date().toISOString() });
    if (queue.length > maxQueue) drop(queue.splice(0, queue.length - maxQueue).length, `more than ${maxQueue} were waiting`);
    schedule();
  };
  stack.on('transcript', onTranscript);

  return {
    flush: async () => {
      await flush();
      // What arrived while a batch was in flight.
      if (queue.length > 0) await flush();
    },
    close() {
      closing ??= (async () => {
        stack.off('transcript', onTranscript);
        const limit = setTimeout(() => deadline.abort(), closeTimeoutMs);
        try {
          await flush();
          if (queue.length > 0) await flush();
        } finally {
          clearTimeout(limit);
        }
      })();
      return closing;
    },
    get dropped() {
      return dropped;
    },
  };
}

/** The most of an error body that is read (for the log line): a backend may answer with an endless body. */
export const ERROR_BODY_LIMIT_BYTES = 2_048;

/** The start of an error body, on one line, at most {@link ERROR_BODY_LIMIT_BYTES} read; the rest is cancelled. */
async function errorSnippet(response: Response): Promise<string> {
  const line = (await readText(response, ERROR_BODY_LIMIT_BYTES)).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** `https://user:pass@host/path` → the URL without them, the `Basic` header that carries them, and the secrets to mask. */
function splitCredentials(value: string): { url: string; authorization?: string; secrets: string[] } {
  try {
    const url = new URL(value);
    // `?token=…`: a server may echo it in an error body.
    const query = [...url.searchParams].flatMap(([name, secret]) => (isSecretKey(name) && secret ? [secret] : []));
    if (!url.username && !url.password) return { url: value, secrets: query };
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    return { url: url.toString(), authorization: `Basic ${basic}`, secrets: [...query, user, password, basic].filter(Boolean) };
  } catch {
    return { url: value, secrets: [] };
  }
}

/** The URL without credentials or query, for logs. */
function safeURL(value: string): string {
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'the transcript endpoint';
  }
}
