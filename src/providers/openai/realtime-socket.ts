import { APIConnectionError, APIStatusError, APITimeoutError } from '@livekit/agents';
import { WebSocket } from 'ws';
import { maskText } from '../../config/secrets.js';
import type { ProbeResult } from '../define-adapter.js';
import { readText } from '../../config/read-text.js';
import { errorBodyFields, parseRetryAfter } from '../response-observer.js';
import { parseRealtimeServerEvent } from './realtime-server-event.js';

/** Bytes of a refused handshake's body that are read (the rest is never downloaded): enough for OpenAI's JSON error. */
export const REALTIME_ERROR_BODY_BYTES = 4_096;
/** Largest server event accepted (ws closes the socket with 1009 beyond it): far above any Realtime event. */
export const REALTIME_MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** Events kept between `session.created` and the plugin's listener (a handful in practice); more is a broken server. */
const MAX_QUEUED_EVENTS = 1_000;

export interface OpenRealtimeSocketOptions {
  headers: Record<string, string>;
  /** Gives up (an `APIConnectionError`) when aborted. */
  signal?: AbortSignal;
  /** Gives up (an `APITimeoutError`) when neither `session.created` nor an error came in time. */
  timeoutMs: number;
  /** Told about each frame dropped as malformed, after the session started. */
  onMalformed?(problem: string): void;
}

/** What an in-band `error` before `session.created` means, as the HTTP status the same refusal has on the handshake. */
const STATUS_OF_CODE: Record<string, number> = {
  invalid_api_key: 401,
  account_deactivated: 401,
  insufficient_quota: 429,
  billing_hard_limit_reached: 429,
  rate_limit_exceeded: 429,
  model_not_found: 404,
  permission_denied: 403,
  server_error: 500,
};

/**
 * Opens an OpenAI Realtime WebSocket and resolves once the server said `session.created`: the service may accept the
 * upgrade with a wrong key and only then send `error` (`invalid_api_key`) and close (code 3000), so an open socket
 * proves nothing. Every failure is a LiveKit API error: a refused handshake (its status, `Retry-After` and at most
 * {@link REALTIME_ERROR_BODY_BYTES} of its body), an in-band error (the status its code has over HTTP), a close, a
 * timeout. After that, frames reach the socket's `onmessage` (the plugin's) only when they parse
 * ({@link parseRealtimeServerEvent}); others are dropped and reported to `onMalformed`.
 */
export function openRealtimeSocket(url: string, options: OpenRealtimeSocketOptions): Promise<WebSocket> {
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: options.headers, maxPayload: REALTIME_MAX_EVENT_BYTES });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanUp();
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    const cleanUp = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => fail(new APIConnectionError({ message: 'OpenAI Realtime session closed while connecting' }));
    const timer = setTimeout(
      () => fail(new APITimeoutError({ message: `OpenAI Realtime connection timed out after ${timeoutMs} ms` })),
      timeoutMs,
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    // Events that came after session.created but before the plugin set its listener, delivered when it does.
    const queued: string[] = [];
    let deliver: ((message: { data: string }) => void) | undefined;
    Object.defineProperty(socket, 'onmessage', {
      configurable: true,
      get: () => deliver,
      set(handler: ((message: { data: string }) => void) | null) {
        deliver = handler ?? undefined;
        while (deliver && queued.length > 0) deliver({ data: queued.shift()! });
      },
    });
    socket.on('message', (data) => {
      const parsed = parseRealtimeServerEvent(data);
      if (!settled) {
        if ('problem' in parsed) return fail(protocolError(`its first event is malformed (${parsed.problem})`));
        const { event, text } = parsed;
        if (event.type === 'error')
          return fail(inBandError(event.error as { message: string; code?: string | null; type?: string | null }));
        if (event.type !== 'session.created') return fail(protocolError(`its first event is \`${event.type}\`, not \`session.created\``));
        settled = true;
        cleanUp();
        queued.push(text);
        socket.removeAllListeners('unexpected-response');
        socket.removeAllListeners('close');
        socket.removeAllListeners('error');
        socket.on('error', () => undefined); // the plugin listens through `onerror` from now on
        return resolve(socket);
      }
      if ('problem' in parsed) return options.onMalformed?.(parsed.problem);
      if (deliver) deliver({ data: parsed.text });
      else if (queued.length < MAX_QUEUED_EVENTS) queued.push(parsed.text);
    });
    socket.once('close', (code, reason) =>
      fail(
        new APIConnectionError({
          message: `OpenAI Realtime closed the connection before the session started (code ${code}${reason.length > 0 ? `: ${maskText(reason.toString().slice(0, 200))}` : ''})`,
        }),
      ),
    );
    socket.once('unexpected-response', async (_request, response) => {
      const body = await readText(response, REALTIME_ERROR_BODY_BYTES);
      const statusCode = response.statusCode ?? 0;
      const fields = errorBodyFields(body);
      const error = new APIStatusError({
        message: `OpenAI Realtime refused the connection: HTTP ${statusCode}${describe(fields, body)}`,
        options: {
          statusCode,
          body: fields.code || fields.message ? { error: { code: fields.code ?? null, message: shown(fields.message ?? '') } } : null,
          retryable: statusCode === 429 || statusCode >= 500,
        },
      });
      const header = (name: string) => (response.headers[name] === undefined ? null : String(response.headers[name]));
      fail(Object.assign(error, { retryAfterMs: parseRetryAfter({ get: header }) }));
    });
    socket.once('error', (error) => fail(new APIConnectionError({ message: `OpenAI Realtime connection failed: ${error.message}` })));
  });
}

/** An `error` event before `session.created`: the refusal the handshake did not make (a wrong key, no quota …). */
function inBandError(error: { message: string; code?: string | null; type?: string | null }): APIStatusError {
  const code = error.code ?? error.type ?? undefined;
  const statusCode = (code ? STATUS_OF_CODE[code] : undefined) ?? 400;
  return new APIStatusError({
    message: `OpenAI Realtime refused the session: ${code ? `${code}: ` : ''}${shown(error.message)}`,
    options: {
      statusCode,
      body: { error: { code: code ?? null, type: error.type ?? null, message: shown(error.message) } },
      retryable: statusCode === 429 || statusCode >= 500,
    },
  });
}

function protocolError(what: string): APIConnectionError {
  return new APIConnectionError({ message: `OpenAI Realtime did not start the session: ${what}` });
}

function describe(fields: { code?: string; message?: string }, body: string): string {
  const message = fields.message ?? fields.code ?? body.trim();
  return message ? `: ${shown(message)}` : '';
}

/** A provider's message, as short as a log line: OpenAI echoes part of a wrong key ("Incorrect API key provided: sk-…"). */
function shown(message: string): string {
  return maskText(message.replace(/\s+/g, ' ')).slice(0, 200);
}

/**
 * The health probe of a Realtime option: opens the session as a call would and closes it at `session.created`,
 * before any `session.update` or audio (nothing is billed). A wrong key fails here whether the service refuses the
 * upgrade (401) or accepts it and sends `invalid_api_key`.
 */
export async function probeRealtime(url: string, apiKey: string, signal: AbortSignal | undefined): Promise<ProbeResult> {
  try {
    const socket = await openRealtimeSocket(url, {
      headers: { 'User-Agent': 'LiveKit-Agents-JS', Authorization: `Bearer ${apiKey}` },
      ...(signal && { signal }),
      // The caller's signal bounds the probe; this only keeps a probe without one from hanging.
      timeoutMs: 30_000,
    });
    socket.close(1000);
    return { ok: true };
  } catch (error) {
    // "HTTP 401: …" as the other probes say it; "refused the session: invalid_api_key: …" for an in-band refusal.
    const message = (error as Error).message.replace(/^OpenAI Realtime (refused the connection: )?/, '');
    return { ok: false, error: signal?.aborted ? 'timed out' : maskText(message, [apiKey]) };
  }
}
