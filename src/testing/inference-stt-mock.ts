import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { verifyLiveKitToken } from './openai-endpoint.js';
import { sleep } from './sleep.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { providerErrorBody } from './provider-errors.js';
import { refusedHandshake } from './scripted-failure.js';
import {
  failMidStream,
  interimOf,
  type STTMockBase,
  type STTRequest,
  type STTScenario,
  timedWords,
  UtteranceDetector,
} from './stt-scenario.js';
import { jsonMessage, startWsMockServer } from './ws-mock-server.js';

export interface MockInferenceSTTOptions {
  /** The final transcript of every recognition. @default "Hello from the mock." */
  transcript?: string;
  /** Voiced audio (ms) to receive before the interim transcript. @default 300 */
  afterAudioMs?: number;
  /** Silence (ms) after voiced audio that ends the utterance and sends the final transcript. @default 300 */
  endOfSpeechMs?: number;
  /** Refuse tokens that are not HS256-signed by this key and secret (401 on the handshake). @default no check */
  auth?: { apiKey: string; apiSecret: string };
  /**
   * Answer the client's `session.close` with `session.closed`, as the gateway does (the message that crashed Node 20,
   * see docs/testing.md). @default true
   */
  replyToClose?: boolean;
}

/** A mocked LiveKit Inference STT gateway: a real WebSocket server on 127.0.0.1. */
export interface MockInferenceSTT extends STTMockBase {
  /** `http://127.0.0.1:<port>/v1`: pass as the entry's `baseURL`. */
  readonly baseURL: string;
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

/**
 * Mocks LiveKit Inference's STT WebSocket (`/stt?model=…`): answers `session.create` with `session.created`,
 * reads `input_audio`, sends `interim_transcript` once `afterAudioMs` of voiced audio arrived and `final_transcript`
 * when `endOfSpeechMs` of silence follows it (or on `session.finalize`), answers `session.finalize` with `session.finalized` and `session.close` with `session.closed`.
 * Scenarios script handshake failures, `error` events, mid-stream closes and delays.
 *
 * @example
 * const gateway = await mockInferenceSTT({ transcript: 'Bonjour', auth: { apiKey: 'k', apiSecret: 's' } });
 * const stack = await createVoiceStack({ stt: { provider: 'inference', model: 'deepgram/nova-3:fr', baseURL: gateway.baseURL, apiKey: 'k', apiSecret: 's' } });
 * // … push audio through stack.stt.stream() …
 * await gateway.close();
 */
export async function mockInferenceSTT(options: MockInferenceSTTOptions = {}): Promise<MockInferenceSTT> {
  const defaultTranscript = options.transcript ?? 'Hello from the mock.';
  const queue = new ScenarioQueue<STTScenario>();
  const requests: STTRequest[] = [];
  const pending = new WeakMap<object, STTScenario>();

  const server = await startWsMockServer({
    async onUpgrade(request, url) {
      if (!url.pathname.endsWith('/stt')) return { status: 404, body: 'not found' };
      if (options.auth) {
        const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        if (!verifyLiveKitToken(token, options.auth)) return { status: 401, body: 'invalid token' };
      }
      const scenario = queue.take() ?? {};
      if (scenario.connectDelayMs) await sleep(scenario.connectDelayMs);
      pending.set(request, scenario);
      return refusedHandshake(scenario, 'inference');
    },
    onConnection({ socket, request, url, headers }) {
      const scenario = pending.get(request) ?? {};
      const record: STTRequest = {
        ...recordedRequest('websocket', url, headers),
        model: url.searchParams.get('model') ?? undefined,
        language: undefined,
        sampleRate: undefined,
        audioBytes: 0,
        body: undefined,
        messages: [],
        transcripts: [],
        closed: false,
      };
      requests.push(record);
      runSession(socket, record, scenario, {
        transcript: defaultTranscript,
        afterAudioMs: options.afterAudioMs ?? 300,
        endOfSpeechMs: options.endOfSpeechMs ?? 300,
        replyToClose: options.replyToClose ?? true,
      });
    },
  });

  return withScenarios(queue, [requests], {
    baseURL: `${server.baseURL}/v1`,
    requests,
    close: () => server.close(),
  });
}

function runSession(
  socket: WebSocket,
  record: STTRequest,
  scenario: STTScenario,
  defaults: { transcript: string; afterAudioMs: number; endOfSpeechMs: number; replyToClose: boolean },
): void {
  const sessionId = `mock_${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  const send = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const detector = new UtteranceDetector({
    sampleRate: () => record.sampleRate ?? 16_000,
    afterAudioMs: scenario.afterAudioMs ?? defaults.afterAudioMs,
    endOfSpeechMs: defaults.endOfSpeechMs,
  });
  const transcript = scenario.transcript ?? defaults.transcript;
  const base = (text: string, confidence: number) => {
    const words = timedWords(text);
    return {
      session_id: sessionId,
      language: record.language ?? 'en',
      start: 0,
      duration: words.at(-1)?.end ?? 0,
      confidence,
      transcript: text,
      words: words.map((word) => ({ ...word, confidence })),
    };
  };
  let finishing: Promise<void> | undefined;
  let failed = false;
  const finish = () => {
    detector.reset();
    finishing ??= (async () => {
      if (scenario.delayMs) await sleep(scenario.delayMs, abort.signal);
      send({ type: 'final_transcript', ...base(transcript, 0.98) });
      record.transcripts.push(transcript);
    })()
      .catch(() => undefined)
      .finally(() => {
        finishing = undefined;
      });
    return finishing;
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = jsonMessage(data);
    if (!message) return;
    if (message.type !== 'input_audio') record.messages.push(message);
    switch (message.type) {
      case 'session.create': {
        record.body = message;
        const settings = (message.settings ?? {}) as Record<string, unknown>;
        record.model = typeof message.model === 'string' ? message.model : record.model;
        record.language = typeof settings.language === 'string' ? settings.language : undefined;
        record.sampleRate = Number(settings.sample_rate) || 16_000;
        send({ type: 'session.created', session_id: sessionId });
        if (scenario.malformed && socket.readyState === socket.OPEN) socket.send('{"type": "interim_transcript", ');
        break;
      }
      case 'input_audio': {
        const pcm = Buffer.from(String(message.audio ?? ''), 'base64');
        record.audioBytes += pcm.length;
        if (failed) return;
        const bytesPerSecond = (record.sampleRate ?? 16_000) * 2;
        failed = failMidStream(scenario, socket, { bytes: record.audioBytes, bytesPerSecond }, () =>
          send({
            type: 'error',
            // The gateway's quota error carries its quota body as the message (as its TTS events do).
            message: scenario.code
              ? JSON.stringify(
                  providerErrorBody('inference', { status: scenario.errorCode ?? 429, code: scenario.code, message: scenario.message }),
                )
              : (scenario.message ?? 'mock: recognition failed'),
            code: scenario.errorCode ?? 500,
          }),
        );
        if (failed) return;
        for (const event of detector.push(pcm)) {
          if (event === 'interim' && (scenario.interim ?? true)) send({ type: 'interim_transcript', ...base(interimOf(transcript), 0.9) });
          if (event === 'final') void finish();
        }
        break;
      }
      case 'session.finalize':
        void (async () => {
          if (!failed && detector.voicedMs > 0) await finish();
          else await finishing;
          send({ type: 'session.finalized' });
        })();
        break;
      case 'session.close':
        if (defaults.replyToClose) send({ type: 'session.closed' });
        socket.close(1000);
        break;
    }
  });
  socket.once('close', () => {
    record.closed = true;
    abort.abort();
  });
}
