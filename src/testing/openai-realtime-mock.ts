import { randomUUID } from 'node:crypto';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios, type WithScenarios } from './scenario-queue.js';
import { refusedHandshake } from './scripted-failure.js';
import { chunkPCM, tonePCM } from './tts-scenario.js';
import { sleep } from './sleep.js';
import { jsonMessage, startWsMockServer, type WsMockServer } from './ws-mock-server.js';

/**
 * One scripted behaviour of the mocked Realtime API: a handshake (`status`, `connectDelayMs`) or one response
 * (everything else). Unset fields give a normal answer: the reply's transcript and `audioMs` of audio.
 */
export interface RealtimeScenario {
  /** How many handshakes or responses this scenario answers before it is used up. @default Infinity */
  times?: number;
  /** Refuse the next handshake with this HTTP status and OpenAI's JSON error body (401 bad key, 429 rate limit …). */
  status?: number;
  /** `Retry-After` header with `status`: seconds (a number) or an HTTP date (a string). */
  retryAfter?: number | string;
  /** Error message: in the refused handshake's body, or in the `error` event / failed response. */
  message?: string;
  /** Hold the next handshake this long before answering it, in ms (longer than the client's timeout: a timeout). */
  connectDelayMs?: number;
  /** The reply's transcript (audio transcript deltas, one per word). @default the mock's `reply` */
  reply?: string;
  /** Length of the reply's audio (24 kHz PCM16, 50 ms chunks), in ms. @default the mock's `audioMs` (200) */
  audioMs?: number;
  /** Wait this long after `response.created` before the first delta, in ms. */
  delayMs?: number;
  /** Answer `response.create` with an `error` event of this `type`/`code` instead of a response (`true`: a server_error). */
  error?: true | { type?: string; code?: string };
  /**
   * A rate limit mid-call: `rate_limits.updated` with nothing remaining, then a `response.done` whose status is
   * `failed` with a `rate_limit_exceeded` error (what the Realtime API sends when a response cannot be generated).
   */
  rateLimited?: boolean;
  /** Drop the socket (close code 1011) after this many audio chunks of the response: a connection lost mid-response. */
  dropAfterChunks?: number;
  /**
   * Send these text frames as they are (malformed JSON, `null`, an event missing its fields …) right after
   * `response.created`, before the reply: what a broken server or proxy could send.
   */
  rawFrames?: string[];
  /** Wait this long between the reply's chunks, in ms (a reply that takes time to stream, e.g. to interrupt it). @default 0 */
  chunkDelayMs?: number;
}

/** What the client sent on one Realtime connection. Header names are lower-case. */
export interface RealtimeConnectionRecord {
  path: string;
  /** `model` and any other query parameter of the upgrade URL. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Every JSON event the client sent on this connection, in order (audio appends are counted, not kept). */
  events: Record<string, unknown>[];
  /** Every `session.update`'s `session`, merged (instructions, voice, audio formats, turn detection …). */
  session: Record<string, unknown> | undefined;
  /** Bytes of input audio appended (`input_audio_buffer.append`), decoded. */
  audioBytes: number;
  at: number;
}

export interface MockOpenAIRealtimeOptions {
  /** Transcript of a normal reply. @default 'Hello from the realtime mock.' */
  reply?: string;
  /** Length of the audio of a normal reply, in ms. @default 200 */
  audioMs?: number;
  /** Transcript of the user's committed audio (`conversation.item.input_audio_transcription.completed`). @default 'Hello there.' */
  userTranscript?: string;
  /** Accept only this bearer key; any other is refused as `wrongKey` says. */
  apiKey?: string;
  /**
   * How a wrong key is refused. `handshake`: the upgrade is answered 401 with OpenAI's JSON error. `in-band`: the
   * upgrade is accepted, then an `error` event (`invalid_request_error`/`invalid_api_key`, "Incorrect API key
   * provided: …" with the key shortened as OpenAI shortens it) and a close with code 3000 and reason
   * `invalid_request_error.invalid_api_key`, as users of the service report it (twilio-samples
   * speech-assistant-openai-realtime-api-python issue 4, openai-realtime-api-beta issue 2). Which one the service
   * does for a given key is not documented; test both. @default 'handshake'
   */
  wrongKey?: 'handshake' | 'in-band';
}

/** A local OpenAI Realtime API: point `{ provider: 'openai-realtime', baseURL }` at `baseURL`. */
export type MockOpenAIRealtime = WithScenarios<
  RealtimeScenario,
  {
    /** `http://127.0.0.1:<port>/v1` (the plugin turns it into `ws://…/v1/realtime?model=…`). */
    readonly baseURL: string;
    /** Every accepted connection, in order (a reconnect is a new one). */
    readonly connections: RealtimeConnectionRecord[];
    /** Handshakes that reached the mock, accepted (101) or refused (the HTTP status, or 3000 for a key refused in-band). */
    readonly handshakes: { status: number; at: number }[];
    /** `response.create` events received, across connections. */
    readonly responses: number;
    /** Responses ended by the client's `response.cancel` (`response.done` with status `cancelled`), across connections. */
    readonly cancelled: number;
    /** Sockets open now. */
    readonly sockets: WsMockServer['connections'];
    /** Closes every open socket as if the network dropped it (code 1006, no close frame). */
    dropAll(): void;
    /** Terminates every socket and stops listening. */
    close(): Promise<void>;
  }
>;

const SAMPLE_RATE = 24_000;

/**
 * Starts a local OpenAI Realtime WebSocket (`/v1/realtime?model=…`, GA event names) on 127.0.0.1. It speaks the
 * events the LiveKit OpenAI plugin reads: `session.created`/`session.updated`, `conversation.item.added` for every
 * created item, a server VAD on appended audio (`input_audio_buffer.speech_started`/`speech_stopped`/`committed`,
 * the user's transcript), and for each `response.create` a response with audio transcript and audio deltas, usage,
 * and `rate_limits.updated`. Scenarios script a refused or slow handshake, an `error` event, a rate limit, or a socket
 * dropped mid-response.
 *
 * @example
 * const realtime = await mockOpenAIRealtime();
 * realtime.use({ status: 429, times: 1 }); // the next call's handshake is refused
 * const stack = await createVoiceStack({ llm: { provider: 'openai-realtime', baseURL: realtime.baseURL, apiKey: 'sk-test' } });
 * // … then
 * await realtime.close();
 */
export async function mockOpenAIRealtime(options: MockOpenAIRealtimeOptions = {}): Promise<MockOpenAIRealtime> {
  const scenarios = new ScenarioQueue<RealtimeScenario>();
  const connections: RealtimeConnectionRecord[] = [];
  const handshakes: { status: number; at: number }[] = [];
  let responses = 0;
  const cancelled: string[] = [];
  const isHandshake = (scenario: RealtimeScenario) => scenario.status !== undefined || scenario.connectDelayMs !== undefined;

  const server = await startWsMockServer({
    async onUpgrade(request, url) {
      if (url.pathname.replace(/\/+$/, '').split('/').pop() !== 'realtime') return { status: 404, body: 'mock: unknown path' };
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        if (options.wrongKey === 'in-band') {
          handshakes.push({ status: 3000, at: Date.now() }); // accepted, then refused on the socket
          return undefined;
        }
        handshakes.push({ status: 401, at: Date.now() });
        return refusedHandshake({ status: 401, message: 'Incorrect API key provided.' }, 'openai');
      }
      const scenario = scenarios.takeNextIf(isHandshake) ?? {};
      if (scenario.connectDelayMs) await sleep(scenario.connectDelayMs);
      handshakes.push({ status: scenario.status ?? 101, at: Date.now() });
      return refusedHandshake(scenario, 'openai');
    },
    onConnection({ socket, url, headers }) {
      const record: RealtimeConnectionRecord = {
        ...recordedRequest('websocket', url, headers),
        events: [],
        session: undefined,
        audioBytes: 0,
      };
      connections.push(record);
      const closed = new AbortController();
      socket.once('close', () => closed.abort());
      const send = (event: Record<string, unknown>) =>
        socket.readyState === 1 && socket.send(JSON.stringify({ event_id: eventId(), ...event }));
      if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
        const given = (headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        send({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            code: 'invalid_api_key',
            message: `Incorrect API key provided: ${given.slice(0, 3)}${'*'.repeat(Math.max(0, given.length - 7))}${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            param: null,
            event_id: null,
          },
        });
        socket.close(3000, 'invalid_request_error.invalid_api_key');
        return;
      }
      const sessionId = `sess_${randomUUID().slice(0, 12)}`;
      let session: Record<string, unknown> = { id: sessionId, object: 'realtime.session', type: 'realtime', model: record.query.model };
      let lastItemId: string | null = null;
      const vad = { speaking: false, startMs: 0, pushedMs: 0, silentMs: 0 };
      send({ type: 'session.created', session });

      const addItem = (item: Record<string, unknown>) => {
        send({ type: 'conversation.item.added', previous_item_id: lastItemId, item });
        lastItemId = String(item.id);
      };
      const commitUserAudio = () => {
        const itemId = itemIdOf();
        send({ type: 'input_audio_buffer.committed', previous_item_id: lastItemId, item_id: itemId });
        addItem({
          id: itemId,
          object: 'realtime.item',
          type: 'message',
          role: 'user',
          status: 'completed',
          content: [{ type: 'input_audio', transcript: null }],
        });
        const transcript = options.userTranscript ?? 'Hello there.';
        send({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta: transcript });
        send({
          type: 'conversation.item.input_audio_transcription.completed',
          item_id: itemId,
          content_index: 0,
          transcript,
          usage: { type: 'duration', seconds: Math.round(vad.pushedMs / 100) / 10 },
        });
        return itemId;
      };
      const autoResponse = () => {
        const detection = ((session.audio as Record<string, Record<string, unknown>> | undefined)?.input?.turn_detection ?? null) as {
          create_response?: boolean;
        } | null;
        return detection !== null && detection.create_response !== false;
      };

      socket.on('message', (data) => {
        const message = jsonMessage(data);
        if (!message)
          return send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_json', message: 'mock: invalid JSON' } });
        if (message.type !== 'input_audio_buffer.append') record.events.push(message);
        switch (message.type) {
          case 'session.update':
            session = { ...session, ...(message.session as object) };
            record.session = { ...record.session, ...(message.session as Record<string, unknown>) };
            return send({ type: 'session.updated', session });
          case 'conversation.item.create': {
            const item: Record<string, unknown> = {
              ...(message.item as Record<string, unknown>),
              object: 'realtime.item',
              status: 'completed',
            };
            item.id ??= itemIdOf();
            return addItem(item);
          }
          case 'conversation.item.delete':
            return send({ type: 'conversation.item.deleted', item_id: message.item_id });
          case 'conversation.item.truncate':
            return send({
              type: 'conversation.item.truncated',
              item_id: message.item_id,
              content_index: 0,
              audio_end_ms: message.audio_end_ms,
            });
          case 'input_audio_buffer.append': {
            const pcm = Buffer.from(String(message.audio ?? ''), 'base64');
            record.audioBytes += pcm.length;
            const ms = (pcm.length / 2 / SAMPLE_RATE) * 1000;
            vad.pushedMs += ms;
            if (!autoResponseDetection(session)) return;
            if (rms(pcm) > 500) {
              vad.silentMs = 0;
              if (!vad.speaking) {
                vad.speaking = true;
                vad.startMs = vad.pushedMs - ms;
                send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(vad.startMs), item_id: itemIdOf() });
              }
            } else if (vad.speaking && (vad.silentMs += ms) >= 300) {
              vad.speaking = false;
              send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(vad.pushedMs), item_id: itemIdOf() });
              commitUserAudio();
              if (autoResponse()) void respond(undefined);
            }
            return;
          }
          case 'input_audio_buffer.commit':
            commitUserAudio();
            return;
          case 'input_audio_buffer.clear':
            vad.speaking = false;
            return send({ type: 'input_audio_buffer.cleared' });
          case 'response.create':
            responses++;
            void respond(message);
            return;
          case 'response.cancel':
            // The service stops the response and ends it with `response.done`, status `cancelled`; with none in
            // progress it answers an `error` whose message starts "Cancellation failed" (the plugin ignores it).
            if (active) return active.abort();
            return send({
              type: 'error',
              error: {
                type: 'invalid_request_error',
                code: 'response_cancel_not_active',
                message: 'Cancellation failed: no active response found',
                param: null,
                event_id: message.event_id ?? null,
              },
            });
        }
      });

      /** The response being generated: aborted by `response.cancel`. */
      let active: AbortController | undefined;

      async function respond(create: Record<string, unknown> | undefined): Promise<void> {
        const scenario = scenarios.takeNextIf((candidate) => !isHandshake(candidate)) ?? {};
        const createEventId = create?.event_id as string | undefined;
        if (scenario.error) {
          const { type = 'server_error', code = undefined } = scenario.error === true ? {} : scenario.error;
          send({
            type: 'error',
            error: {
              type,
              code: code ?? null,
              message: scenario.message ?? 'The server had an error while processing your request.',
              param: null,
              event_id: createEventId ?? null,
            },
          });
          return;
        }
        const responseId = `resp_${randomUUID().slice(0, 12)}`;
        const metadata = (create?.response as { metadata?: unknown } | undefined)?.metadata ?? null;
        const response = {
          id: responseId,
          object: 'realtime.response',
          status: 'in_progress',
          status_details: null,
          output: [],
          metadata,
          usage: null,
        };
        send({ type: 'response.created', response });
        for (const frame of scenario.rawFrames ?? []) socket.readyState === 1 && socket.send(frame);
        const cancel = new AbortController();
        active = cancel;
        const stop = AbortSignal.any([closed.signal, cancel.signal]);
        let item: Record<string, unknown> | undefined;
        let spoken = '';
        try {
          if (scenario.delayMs) await sleep(scenario.delayMs, stop);
          if (scenario.rateLimited) {
            send({ type: 'rate_limits.updated', rate_limits: rateLimits(0) });
            const error = {
              type: 'rate_limit_exceeded',
              code: 'rate_limit_exceeded',
              message: scenario.message ?? 'Rate limit reached for requests.',
            };
            send({
              type: 'response.done',
              response: { ...response, status: 'failed', status_details: { type: 'failed', error }, usage: usage(0) },
            });
            return;
          }
          const itemId = itemIdOf();
          item = {
            id: itemId,
            object: 'realtime.item',
            type: 'message',
            role: 'assistant',
            status: 'in_progress',
            content: [] as unknown[],
          };
          const at = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
          send({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item });
          addItem(item);
          send({ type: 'response.content_part.added', ...at, part: { type: 'audio', transcript: '' } });
          const transcript = scenario.reply ?? options.reply ?? 'Hello from the realtime mock.';
          const words = transcript.split(/(?<= )/);
          const chunks = chunkPCM(tonePCM(SAMPLE_RATE, scenario.audioMs ?? options.audioMs ?? 200), SAMPLE_RATE, 50);
          for (let index = 0; index < Math.max(words.length, chunks.length); index++) {
            if (scenario.dropAfterChunks !== undefined && index >= scenario.dropAfterChunks) {
              socket.close(1011, 'mock: dropped mid-response');
              return;
            }
            if (words[index]) send({ type: 'response.output_audio_transcript.delta', ...at, delta: words[index] });
            spoken += words[index] ?? '';
            if (chunks[index]) send({ type: 'response.output_audio.delta', ...at, delta: chunks[index]!.toString('base64') });
            await sleep(scenario.chunkDelayMs ?? 0, stop);
          }
          send({ type: 'response.output_audio.done', ...at });
          send({ type: 'response.output_audio_transcript.done', ...at, transcript });
          const part = { type: 'audio', transcript };
          send({ type: 'response.content_part.done', ...at, part });
          const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript }] };
          send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
          send({ type: 'response.done', response: { ...response, status: 'completed', output: [done], usage: usage(words.length) } });
          send({ type: 'rate_limits.updated', rate_limits: rateLimits(1_000) });
        } catch {
          if (!cancel.signal.aborted || closed.signal.aborted) return; // the socket closed mid-response: nothing left to send
          cancelled.push(responseId);
          const output = item ? [{ ...item, status: 'incomplete', content: [{ type: 'output_audio', transcript: spoken }] }] : [];
          if (item) send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: output[0] });
          send({
            type: 'response.done',
            response: {
              ...response,
              status: 'cancelled',
              status_details: { type: 'cancelled', reason: 'client_cancelled' },
              output,
              usage: usage(spoken.split(' ').filter(Boolean).length),
            },
          });
        } finally {
          if (active === cancel) active = undefined;
        }
      }
    },
  });

  return withScenarios(scenarios, [connections, handshakes, cancelled], {
    baseURL: `${server.baseURL}/v1`,
    connections,
    handshakes,
    get responses() {
      return responses;
    },
    get cancelled() {
      return cancelled.length;
    },
    sockets: server.connections,
    dropAll() {
      for (const socket of server.connections) socket.terminate();
    },
    close: () => server.close(),
  });
}

function autoResponseDetection(session: Record<string, unknown>): boolean {
  const input = (session.audio as { input?: { turn_detection?: unknown } } | undefined)?.input;
  return input?.turn_detection !== null && input?.turn_detection !== undefined;
}

const eventId = () => `event_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
const itemIdOf = () => `item_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

function rms(pcm: Buffer): number {
  const samples = Math.floor(pcm.length / 2);
  if (samples === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / samples);
}

function usage(outputTokens: number) {
  return {
    total_tokens: 40 + outputTokens * 2,
    input_tokens: 40,
    output_tokens: outputTokens * 2,
    input_token_details: { text_tokens: 40, audio_tokens: 0, cached_tokens: 0 },
    output_token_details: { text_tokens: outputTokens, audio_tokens: outputTokens },
  };
}

function rateLimits(remaining: number) {
  return [
    { name: 'requests', limit: 1_000, remaining, reset_seconds: remaining === 0 ? 20 : 0.06 },
    { name: 'tokens', limit: 40_000, remaining: remaining * 40, reset_seconds: remaining === 0 ? 20 : 0.06 },
  ];
}
