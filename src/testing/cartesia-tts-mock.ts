import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { providerErrorBody } from './provider-errors.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { refusedHandshake, scriptedFailure } from './scripted-failure.js';
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
 * Errors as Cartesia documents them ("API errors", docs.cartesia.ai): HTTP and refused handshakes answer
 * `{ error_code, title, message, request_id }`; `error: true` sends the in-band error event on the open socket
 * (`{ type: "error", done: true, status_code, error_code, … }`, e.g. `errorCode: 429, code: 'concurrency_limited'`),
 * which the plugin (1.9) swallows for a 4xx (the synthesis ends with no audio and no error).
 */
export async function mockCartesiaTTS(options: MockCartesiaTTSOptions = {}): Promise<MockCartesiaTTS> {
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];
  const audioMs = options.audioMs ?? 200;
  const authorized = (key: string | string[] | null | undefined) => options.apiKey === undefined || key === options.apiKey;
  const server = await startWsMockServer({
    onUpgrade(request, url) {
      if (url.pathname !== '/tts/websocket') return { status: 404, body: 'mock: unknown path' };
      if (!authorized(request.headers['x-api-key'])) return { status: 401, body: 'invalid API key' };
      return refusedHandshake(scenarios.takeNextIf((candidate) => candidate.status !== undefined) ?? {}, 'cartesia');
    },
    onConnection({ socket, url, headers }) {
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
            // The error event of Cartesia's "API errors" page (`done: true` ends the context), with the legacy `error`
            // string the plugin's schema (API version 2025-04-16) requires.
            error: (error, status = 500, code) =>
              send({
                type: 'error',
                done: true,
                status_code: status,
                error,
                error_code: code ?? providerErrorBody('cartesia', { status }).error_code,
                title: error,
                message: error,
                request_id: `${randomUUID()}:${contextId}`,
                context_id: contextId,
              }),
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
    if (!authorized(request.headers.get('x-api-key'))) {
      return new HttpResponse(JSON.stringify({ error: 'invalid API key' }), { status: 401 });
    }
    const scenario = scenarios.take() ?? {};
    const failure = await scriptedFailure(scenario, request.signal, 'cartesia');
    if (failure) return failure;
    return new HttpResponse(audioStream(scenario, recorded.sampleRate, audioMs, request.signal), {
      headers: { 'content-type': 'audio/pcm' },
    });
  };
  const voiceLookups: string[] = [];
  const voice = ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
    voiceLookups.push(String(params.id));
    if (!authorized(request.headers.get('x-api-key'))) return HttpResponse.json({ error: 'invalid API key' }, { status: 401 });
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
