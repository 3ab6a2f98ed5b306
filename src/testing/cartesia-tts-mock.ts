import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { providerErrorBody } from './provider-errors.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { errorResponse, type FailureScenario, refusedHandshake, scriptedFailure } from './scripted-failure.js';
import { audioStream, playScenario, type TTSMockBase, type TTSRequest, type TTSScenario } from './tts-scenario.js';
import { jsonMessage, startWsMockServer, type WsMockServer } from './ws-mock-server.js';

export interface MockCartesiaTTSOptions {
  /** Length of the audio of a normal answer, in ms. @default 200 */
  audioMs?: number;
  /** Expected `X-API-Key`; a wrong or missing one is refused with 401. @default no check */
  apiKey?: string;
}

/** A local Cartesia TTS API: point `{ provider: 'cartesia', baseURL }` at `baseURL`. */
export interface MockCartesiaTTS extends TTSMockBase {
  /** `http://127.0.0.1:<port>`: streaming goes to `ws://…/tts/websocket`. */
  readonly baseURL: string;
  /**
   * msw handlers for the one-shot `POST /tts/bytes` at `baseURL` (the plugin always speaks TLS there, so both
   * `http` and `https` are matched). Register them with `server.use(...cartesia.handlers)`.
   */
  readonly handlers: HttpHandler[];
  /** The voice ids looked up with `GET /voices/{id}` (what `stack.health()` probes), in order. */
  readonly voiceLookups: string[];
  readonly connections: WsMockServer['connections'];
  close(): Promise<void>;
}

/**
 * Starts a local Cartesia TTS mock on 127.0.0.1: the streaming WebSocket `/tts/websocket` (messages with a
 * `context_id`, a generation ends with `continue: false` → `chunk` messages of base64 PCM, with `timestamps`
 * messages of the words when the client asked `add_timestamps`, then `done`), plus msw handlers for the one-shot
 * `POST /tts/bytes` (raw PCM) and `GET /voices/{id}` (any id is found; a wrong key gets 401).
 *
 * Errors in the format of the API version the client sends (`Cartesia-Version` header, or `?cartesia_version=` on the
 * socket, which wins), as Cartesia's "API errors" page describes them: from `2026-03-01`, HTTP errors and refused
 * handshakes answer JSON `{ error_code, title, message, request_id }` and the socket's error event carries
 * `{ type: "error", done: true, status_code, error_code, title, message, request_id, context_id }`. Before it (the
 * LiveKit plugin 1.9 sends `2025-04-16`), HTTP errors are plain text `Title: Message` and the error event is the
 * legacy `{ type: "error", done: true, status_code, error, context_id }` (Cartesia's OpenAPI `JsonErrorResponse`:
 * `status_code`, `done`, `error`). The page says older versions' errors "may be" plain text: which errors keep JSON
 * there is not documented, so the mock uses plain text for every HTTP error of an older version. The plugin swallows
 * an error event with a 4xx status (the synthesis ends with no audio and no error).
 */
export async function mockCartesiaTTS(options: MockCartesiaTTSOptions = {}): Promise<MockCartesiaTTS> {
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];
  const audioMs = options.audioMs ?? 200;
  const authorized = (key: string | string[] | null | undefined) => options.apiKey === undefined || key === options.apiKey;
  const server = await startWsMockServer({
    onUpgrade(request, url) {
      if (url.pathname !== '/tts/websocket') return { status: 404, body: 'mock: unknown path' };
      const structured = structuredErrors(url.searchParams.get('cartesia_version') ?? request.headers['cartesia-version']);
      if (!authorized(request.headers['x-api-key']))
        return structured
          ? refusedHandshake({ status: 401, message: 'invalid API key' }, 'cartesia')
          : { status: 401, body: plainError(401, 'invalid API key') };
      const scenario = scenarios.takeNextIf((candidate) => candidate.status !== undefined) ?? {};
      if (structured || !scenario.status) return refusedHandshake(scenario, 'cartesia');
      return { status: scenario.status, body: plainError(scenario.status, scenario.message), headers: retryAfterOf(scenario) };
    },
    onConnection({ socket, url, headers }) {
      const structured = structuredErrors(url.searchParams.get('cartesia_version') ?? headers['cartesia-version']);
      const closed = new AbortController();
      socket.once('close', () => closed.abort());
      const contexts = new Map<string, Record<string, unknown>[]>();
      const send = (message: object) => socket.readyState === 1 && socket.send(JSON.stringify(message));
      socket.on('message', (data) => {
        const message = jsonMessage(data);
        if (!message) return send({ type: 'error', done: true, error: 'mock: invalid JSON', status_code: 400, context_id: '' });
        const contextId = String(message.context_id ?? '');
        if (message.cancel) return void contexts.delete(contextId);
        const messages = [...(contexts.get(contextId) ?? []), message];
        contexts.set(contextId, messages);
        if (message.continue !== false) return;
        contexts.delete(contextId);
        const request = describe(
          message,
          messages.map((part) => String(part.transcript ?? '')).join(''),
          'websocket',
          url,
          headers,
          messages,
        );
        requests.push(request);
        const timestamps = message.add_timestamps === true;
        void playScenario(
          scenarios.takeNextIf((candidate) => candidate.status === undefined) ?? {},
          { sampleRate: request.sampleRate, audioMs, signal: closed.signal, text: request.text },
          {
            audio: (chunk, words) => {
              // Word timestamps (seconds) come as their own message, before the audio they describe.
              if (timestamps && words.length > 0) {
                send({
                  type: 'timestamps',
                  done: false,
                  status_code: 206,
                  context_id: contextId,
                  word_timestamps: {
                    words: words.map((word) => word.word),
                    start: words.map((word) => word.start),
                    end: words.map((word) => word.end),
                  },
                });
              }
              send({ type: 'chunk', data: chunk.toString('base64'), done: false, status_code: 206, step_time: 10, context_id: contextId });
            },
            // The error event of the client's API version (`done: true` ends the context).
            error: (error, status = 500, code) =>
              send(
                structured
                  ? {
                      type: 'error',
                      done: true,
                      status_code: status,
                      error_code: code ?? providerErrorBody('cartesia', { status }).error_code,
                      title: TITLE_OF[status] ?? 'Error',
                      message: error,
                      request_id: `${randomUUID()}:${contextId}`,
                      context_id: contextId,
                    }
                  : { type: 'error', done: true, status_code: status, error, context_id: contextId },
              ),
            drop: () => socket.close(1011, 'mock: dropped mid-stream'),
            reset: () => socket.terminate(),
            raw: (text) => socket.readyState === 1 && socket.send(text),
            done: () => send({ type: 'done', done: true, status_code: 200, context_id: contextId }),
          },
        );
      });
    },
  });
  const bytes = async ({ request }: { request: Request }) => {
    const body = (await request
      .clone()
      .json()
      .catch(() => ({}))) as Record<string, unknown>;
    const recorded = describe(body, String(body.transcript ?? ''), 'http', new URL(request.url), request.headers, body);
    requests.push(recorded);
    const structured = structuredErrors(request.headers.get('cartesia-version'));
    if (!authorized(request.headers.get('x-api-key'))) return httpError(structured, { status: 401, message: 'invalid API key' });
    const scenario = scenarios.take() ?? {};
    const failure = await scriptedFailure(scenario, request.signal, 'cartesia');
    if (failure && failure.type !== 'error' && !structured && scenario.status)
      return httpError(false, { ...scenario, status: scenario.status });
    if (failure) return failure;
    return new HttpResponse(audioStream(scenario, recorded.sampleRate, audioMs, request.signal), {
      headers: { 'content-type': 'audio/pcm' },
    });
  };
  const voiceLookups: string[] = [];
  const voice = ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
    voiceLookups.push(String(params.id));
    if (!authorized(request.headers.get('x-api-key')))
      return httpError(structuredErrors(request.headers.get('cartesia-version')), { status: 401, message: 'invalid API key' });
    return HttpResponse.json({ id: String(params.id), name: 'Mock voice', language: 'en', is_public: true });
  };
  const origin = server.baseURL.replace(/^http:/, '');
  return withScenarios(scenarios, [requests, voiceLookups], {
    baseURL: server.baseURL,
    connections: server.connections,
    requests,
    voiceLookups,
    handlers: [
      http.post(`http:${origin}/tts/bytes`, bytes),
      http.post(`https:${origin}/tts/bytes`, bytes),
      http.get(`http:${origin}/voices/:id`, voice),
      http.get(`https:${origin}/voices/:id`, voice),
    ],
    close: () => server.close(),
  });
}

/** The first API version whose errors are structured JSON ("API errors", docs.cartesia.ai). */
export const CARTESIA_STRUCTURED_ERRORS_VERSION = '2026-03-01';

/** Whether a `Cartesia-Version` (a `YYYY-MM-DD` date; none is the oldest) gets structured JSON errors. */
function structuredErrors(version: string | string[] | null | undefined): boolean {
  return typeof version === 'string' && version >= CARTESIA_STRUCTURED_ERRORS_VERSION;
}

const TITLE_OF: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  402: 'Payment required',
  404: 'Not found',
  429: 'Too many concurrent requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** An older version's error: `Title: Message`, as plain text. */
function plainError(status: number, message = `Mock error ${status}`): string {
  return `${TITLE_OF[status] ?? 'Error'}: ${message}`;
}

function retryAfterOf(scenario: { retryAfter?: number | string | undefined }): Record<string, string> {
  return scenario.retryAfter === undefined ? {} : { 'retry-after': String(scenario.retryAfter) };
}

function httpError(structured: boolean, scenario: FailureScenario & { status: number }): Response {
  if (structured) return errorResponse(scenario, 'cartesia');
  return new HttpResponse(plainError(scenario.status, scenario.message), {
    status: scenario.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...retryAfterOf(scenario), ...scenario.headers },
  });
}

function describe(
  message: Record<string, unknown>,
  text: string,
  transport: TTSRequest['transport'],
  url: URL,
  headers: Headers | Record<string, string>,
  body: unknown,
): TTSRequest {
  const voice = message.voice as { id?: unknown } | undefined;
  const format = message.output_format as { sample_rate?: unknown } | undefined;
  return {
    ...recordedRequest(transport, url, headers),
    model: typeof message.model_id === 'string' ? message.model_id : undefined,
    voice: typeof voice?.id === 'string' ? voice.id : undefined,
    language: typeof message.language === 'string' ? message.language : undefined,
    text: text.trim(),
    sampleRate: Number(format?.sample_rate ?? 24000),
    body,
  };
}
