import { randomUUID } from 'node:crypto';
import { verifyLiveKitToken } from './openai-endpoint.js';
import { providerErrorBody } from './provider-errors.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { refusedHandshake } from './scripted-failure.js';
import { playScenario, type TTSMockBase, type TTSRequest, type TTSScenario } from './tts-scenario.js';
import { jsonMessage, startWsMockServer, type WsMockServer } from './ws-mock-server.js';

export interface MockInferenceTTSOptions {
  /** Length of the audio of a normal answer, in ms. @default 200 */
  audioMs?: number;
  /** Check the Bearer token: HS256 signed with `apiSecret`, issued for `apiKey`. A bad one refuses the handshake with 401. */
  auth?: { apiKey: string; apiSecret: string };
}

/** A local LiveKit Inference TTS gateway: point `{ provider: 'inference', baseURL }` at `baseURL`. */
export interface MockInferenceTTS extends TTSMockBase {
  /** `http://127.0.0.1:<port>` (the client turns it into `ws://…/tts`). */
  readonly baseURL: string;
  /** Sockets open now (the client pools one across turns). */
  readonly connections: WsMockServer['connections'];
  /** The `session.create` message of every socket, in order (model, voice, language, sample rate, fallback …). */
  readonly sessions: Record<string, unknown>[];
  /** Terminates every socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a local LiveKit Inference TTS WebSocket (`/tts?model=…`) on 127.0.0.1. It speaks the gateway's protocol:
 * `session.create` → `session.created`; `input_transcript` … `session.flush` → `output_alignment` (word timings)
 * and `output_audio` (base64 PCM at the session's `sample_rate`) … `done`; `session.close` → `session.closed`.
 *
 * Errors: a refused handshake answers the gateway's body (`{ status: 429, code: 'inference_quota_exceeded:MaxGatewayCredits' }`
 * sends its quota body `{ type: "inference_quota_exceeded", category, remaining_limit, … }`, as livekit/agents'
 * `InferenceQuotaExceededError` reads it); `error: true` sends `{ type: "error", message, code? }` on the open socket,
 * which the plugin (1.9) turns into an `APIError` of the message alone.
 *
 * @example
 * const gateway = await mockInferenceTTS({ auth: { apiKey: 'key', apiSecret: 'secret' } });
 * const stack = await createVoiceStack({ tts: { provider: 'inference', model: 'cartesia/sonic-turbo', baseURL: gateway.baseURL, apiKey: 'key', apiSecret: 'secret' } });
 * // … then
 * await gateway.close();
 */
export async function mockInferenceTTS(options: MockInferenceTTSOptions = {}): Promise<MockInferenceTTS> {
  const scenarios = new ScenarioQueue<TTSScenario>();
  const requests: TTSRequest[] = [];
  const sessions: Record<string, unknown>[] = [];
  const server = await startWsMockServer({
    onUpgrade(request, url) {
      if (url.pathname.replace(/\/+$/, '').split('/').pop() !== 'tts') return { status: 404, body: 'mock: unknown path' };
      if (options.auth) {
        const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        if (!verifyLiveKitToken(token, options.auth)) return { status: 401, body: 'invalid token' };
      }
      return refusedHandshake(scenarios.takeNextIf((candidate) => candidate.status !== undefined) ?? {}, 'inference');
    },
    onConnection({ socket, url, headers }) {
      const sessionId = `session_${randomUUID().slice(0, 8)}`;
      const closed = new AbortController();
      socket.once('close', () => closed.abort());
      let session: Record<string, unknown> = {};
      let messages: unknown[] = [];
      let text = '';
      let config: Record<string, unknown> = {};
      const send = (message: object) => socket.readyState === 1 && socket.send(JSON.stringify(message));
      socket.on('message', (data) => {
        const message = jsonMessage(data);
        if (!message) return send({ type: 'error', message: 'mock: invalid JSON', session_id: sessionId });
        switch (message.type) {
          case 'session.create':
            session = message;
            sessions.push(message);
            send({ type: 'session.created', session_id: sessionId });
            return;
          case 'input_transcript':
            messages.push(message);
            text += String(message.transcript ?? '');
            config = { ...config, ...(message.generation_config as object | undefined) };
            return;
          case 'session.flush': {
            messages.push(message);
            const sampleRate = Number(session.sample_rate ?? 16000);
            requests.push({
              ...recordedRequest('websocket', url, headers),
              model: str(config.model ?? session.model),
              voice: str(config.voice ?? session.voice),
              language: str(config.language ?? session.language),
              text: text.trim(),
              sampleRate,
              body: [session, ...messages],
            });
            messages = [];
            text = '';
            config = {};
            void playScenario(
              scenarios.takeNextIf((candidate) => candidate.status === undefined) ?? {},
              { sampleRate, audioMs: options.audioMs ?? 200, signal: closed.signal, text: requests.at(-1)!.text },
              {
                audio: (chunk, words) => {
                  // Word timings (seconds) as their own event, before the audio they describe.
                  if (words.length > 0) send({ type: 'output_alignment', session_id: sessionId, words });
                  send({ type: 'output_audio', audio: chunk.toString('base64'), session_id: sessionId });
                },
                // The gateway's error event; `code` (an HTTP-like status, as its STT error events carry) only when scripted.
                error: (errorMessage, status, code) =>
                  send({
                    type: 'error',
                    message: code
                      ? JSON.stringify(providerErrorBody('inference', { status: status ?? 429, code, message: errorMessage }))
                      : errorMessage,
                    ...(status !== undefined && { code: status }),
                    session_id: sessionId,
                  }),
                drop: () => socket.close(1011, 'mock: dropped mid-stream'),
                reset: () => socket.terminate(),
                raw: (text) => socket.readyState === 1 && socket.send(text),
                done: () => send({ type: 'done', session_id: sessionId }),
              },
            );
            return;
          }
          case 'session.close':
            send({ type: 'session.closed', session_id: sessionId });
            socket.close(1000);
            return;
        }
      });
    },
  });
  return withScenarios(scenarios, [requests, sessions], {
    baseURL: server.baseURL,
    connections: server.connections,
    requests,
    sessions,
    close: () => server.close(),
  });
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
