import { http, HttpResponse, type HttpHandler } from 'msw';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { refusedHandshake, scriptedFailure } from './scripted-failure.js';
import { type AlignedWord, audioStream, playScenario, type TTSMockBase, type TTSRequest, type TTSScenario } from './tts-scenario.js';
import { jsonMessage, startWsMockServer, type WsMockServer } from './ws-mock-server.js';

export interface MockElevenLabsTTSOptions {
  /** Length of the audio of a normal answer, in ms. @default 200 */
  audioMs?: number;
  /** Expected `xi-api-key`; a wrong or missing one is refused with 401. @default no check */
  apiKey?: string;
  /**
   * Contexts open at once on one socket. Opening one more sends `max_active_conversations` ("Maximum simultaneous
   * contexts per WebSocket connection exceeded (5) …", agents-js issue 1985) and closes the socket with 1008. A context
   * is open from its first message until its `close_context`. @default 5
   */
  maxContexts?: number;
  /**
   * A socket with no message from the client for this long is closed with 1008 (help center, "How can I keep the
   * WebSocket open?": 20 s, or the `inactivity_timeout` query parameter, at most 180 s; a `" "` text keeps it open).
   * @default the client's `inactivity_timeout` (s), else 20000
   */
  inactivityTimeoutMs?: number;
}

/** A local ElevenLabs TTS API: point `{ provider: 'elevenlabs', baseURL }` at `baseURL`. */
export interface MockElevenLabsTTS extends TTSMockBase {
  /** `http://127.0.0.1:<port>/v1`: streaming goes to `ws://…/v1/text-to-speech/{voice}/multi-stream-input`. */
  readonly baseURL: string;
  /** msw handlers for the one-shot `POST /v1/text-to-speech/{voice}/stream`. Register them with `server.use(...)`. */
  readonly handlers: HttpHandler[];
  /** The voice ids looked up with `GET /v1/voices/{voice_id}` (what `stack.health()` probes), in order. */
  readonly voiceLookups: string[];
  readonly connections: WsMockServer['connections'];
  close(): Promise<void>;
}

const STREAM_PATH = /^\/v1\/text-to-speech\/([^/]+)\/multi-stream-input$/;

/**
 * Starts a local ElevenLabs TTS mock on 127.0.0.1: the multi-context WebSocket (`{ text: ' ', voice_settings, context_id }`
 * opens a context, text messages fill it, `close_context` ends it → `{ audio, contextId }` messages of base64 PCM at the
 * `output_format` rate, with `alignment`/`normalizedAlignment` when the client asked `sync_alignment`, then
 * `{ isFinal: true }`), plus msw handlers for the one-shot HTTP synthesis (raw PCM, `audio/pcm`) and
 * `GET /v1/voices/{voice_id}` (any id is found; a wrong key gets 401).
 *
 * Errors as ElevenLabs sends them: HTTP and refused handshakes answer `{ detail: { status, message } }` (help center,
 * "API Error Code 400 or 401" and "… 429": e.g. `{ status: 401, code: 'quota_exceeded' }` is an exhausted quota);
 * `error: true` sends `{ message, error: <code>, code: 1008 }` without a context id and closes the socket with 1008,
 * which the plugin (1.9) reports as `APIStatusError(1008)` without the message. The socket's limits are modelled too:
 * at most `maxContexts` open contexts, and a close after `inactivityTimeoutMs` without input. The error message sent
 * before the inactivity close is not documented: the mock sends the code `input_timeout_exceeded` with a message of
 * its own (an assumption, not a confirmed wording).
 */
export async function mockElevenLabsTTS(options: MockElevenLabsTTSOptions = {}): Promise<MockElevenLabsTTS> {
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];
  const audioMs = options.audioMs ?? 200;
  const authorized = (key: string | string[] | null | undefined) => options.apiKey === undefined || key === options.apiKey;
  const unauthorized = () => HttpResponse.json({ detail: { status: 'invalid_api_key', message: 'Invalid API key' } }, { status: 401 });
  const server = await startWsMockServer({
    onUpgrade(request, url) {
      if (!STREAM_PATH.test(url.pathname)) return { status: 404, body: 'mock: unknown path' };
      if (!authorized(request.headers['xi-api-key'])) return { status: 401, body: 'invalid API key' };
      return refusedHandshake(scenarios.takeNextIf((candidate) => candidate.status !== undefined) ?? {}, 'elevenlabs');
    },
    onConnection({ socket, url, headers }) {
      const closed = new AbortController();
      socket.once('close', () => closed.abort());
      const contexts = new Map<string, Record<string, unknown>[]>();
      const send = (message: object) => socket.readyState === 1 && socket.send(JSON.stringify(message));
      const voice = decodeURIComponent(STREAM_PATH.exec(url.pathname)?.[1] ?? '');
      const refuse = (error: string, message: string) => {
        send({ message, error, code: 1008 });
        socket.close(1008, message.slice(0, 120));
      };
      const requested = Number(url.searchParams.get('inactivity_timeout'));
      const inactivityMs = options.inactivityTimeoutMs ?? (requested > 0 ? Math.min(requested, 180) * 1000 : 20_000);
      let inactivity: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(inactivity);
        inactivity = setTimeout(
          () =>
            refuse(
              'input_timeout_exceeded',
              `Have not received a new text input within the timeout of ${inactivityMs / 1000} seconds. (mock wording)`,
            ),
          inactivityMs,
        );
      };
      touch();
      socket.once('close', () => clearTimeout(inactivity));
      const open = new Set<string>();
      const maxContexts = options.maxContexts ?? 5;
      socket.on('message', (data) => {
        touch();
        const message = jsonMessage(data);
        if (!message) return send({ error: 'mock: invalid JSON', message: 'invalid JSON' });
        const contextId = String(message.context_id ?? '');
        if (message.close_context) open.delete(contextId);
        else if (!open.has(contextId)) {
          if (open.size >= maxContexts)
            return refuse(
              'max_active_conversations',
              `Maximum simultaneous contexts per WebSocket connection exceeded (${maxContexts}). Please close an existing context before opening a new one.`,
            );
          open.add(contextId);
        }
        const messages = [...(contexts.get(contextId) ?? []), message];
        contexts.set(contextId, messages);
        if (!message.close_context) return;
        contexts.delete(contextId);
        const sampleRate = rateOf(url.searchParams.get('output_format'));
        requests.push({
          ...recordedRequest('websocket', url, headers),
          model: url.searchParams.get('model_id') ?? undefined,
          voice,
          language: url.searchParams.get('language_code') ?? undefined,
          text: messages
            .map((part) => String(part.text ?? ''))
            .join('')
            .trim(),
          sampleRate,
          body: messages,
        });
        const aligned = url.searchParams.get('sync_alignment') === 'true';
        void playScenario(
          scenarios.takeNextIf((candidate) => candidate.status === undefined) ?? {},
          { sampleRate, audioMs, signal: closed.signal, text: requests.at(-1)!.text },
          {
            // With `sync_alignment=true` each audio message carries the characters it speaks (ms), raw and normalized.
            audio: (chunk, words) => {
              const alignment = aligned ? charAlignment(words) : undefined;
              send({
                audio: chunk.toString('base64'),
                isFinal: false,
                ...(alignment && { alignment, normalizedAlignment: alignment }),
                contextId,
              });
            },
            // ElevenLabs' error message carries a code in `error` and, for most errors, no context id; the server
            // then closes the socket with 1008 and the message as reason (agents-js issue 1985; pipecat 1426).
            error: (error, _status, code) => {
              send({ message: error, error: code ?? 'internal_error', code: 1008 });
              socket.close(1008, error.slice(0, 120));
            },
            drop: () => socket.close(1011, 'mock: dropped mid-stream'),
            reset: () => socket.terminate(),
            raw: (text) => socket.readyState === 1 && socket.send(text),
            done: () => send({ isFinal: true, contextId }),
          },
        );
      });
    },
  });
  const baseURL = `${server.baseURL}/v1`;
  const voiceLookups: string[] = [];
  return withScenarios(scenarios, [requests, voiceLookups], {
    baseURL,
    connections: server.connections,
    requests,
    voiceLookups,
    handlers: [
      http.get(`${baseURL}/voices/:voice`, ({ request, params }) => {
        voiceLookups.push(String(params.voice));
        if (!authorized(request.headers.get('xi-api-key'))) return unauthorized();
        return HttpResponse.json({ voice_id: String(params.voice), name: 'Mock voice', category: 'premade' });
      }),
      http.post(`${baseURL}/text-to-speech/:voice/stream`, async ({ request, params }) => {
        const body = (await request
          .clone()
          .json()
          .catch(() => ({}))) as Record<string, unknown>;
        const url = new URL(request.url);
        const sampleRate = rateOf(url.searchParams.get('output_format'));
        requests.push({
          ...recordedRequest('http', url, request.headers),
          model: typeof body.model_id === 'string' ? body.model_id : undefined,
          voice: String(params.voice),
          language: typeof body.language_code === 'string' ? body.language_code : undefined,
          text: String(body.text ?? ''),
          sampleRate,
          body,
        });
        if (!authorized(request.headers.get('xi-api-key'))) return unauthorized();
        const scenario = scenarios.take() ?? {};
        const failure = await scriptedFailure(scenario, request.signal, 'elevenlabs');
        if (failure) return failure;
        return new HttpResponse(audioStream(scenario, sampleRate, audioMs, request.signal), { headers: { 'content-type': 'audio/pcm' } });
      }),
    ],
    close: () => server.close(),
  });
}

/** ElevenLabs' alignment of the characters of `words` (and the space after each), in ms from the audio's start. */
function charAlignment(words: AlignedWord[]): { chars: string[]; charStartTimesMs: number[]; charsDurationsMs: number[] } | undefined {
  if (words.length === 0) return undefined;
  const chars: string[] = [];
  const charStartTimesMs: number[] = [];
  const charsDurationsMs: number[] = [];
  for (const word of words) {
    const text = `${word.word} `;
    const each = ((word.end - word.start) * 1000) / text.length;
    for (const [index, char] of [...text].entries()) {
      chars.push(char);
      charStartTimesMs.push(Math.round(word.start * 1000 + index * each));
      charsDurationsMs.push(Math.round(each));
    }
  }
  return { chars, charStartTimesMs, charsDurationsMs };
}

/** `pcm_22050` → 22050. */
function rateOf(format: string | null): number {
  const rate = Number.parseInt(format?.split('_')[1] ?? '', 10);
  return Number.isFinite(rate) ? rate : 22050;
}
