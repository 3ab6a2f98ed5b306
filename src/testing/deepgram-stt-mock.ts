import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { sleep } from './sleep.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { errorBody, refusedHandshake } from './scripted-failure.js';
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

export interface MockDeepgramSTTOptions {
  /** The final transcript of every recognition. @default "Hello from the mock." */
  transcript?: string;
  /** Voiced audio (ms) to receive before the interim transcript (live). @default 300 */
  afterAudioMs?: number;
  /** Silence (ms) after voiced audio that ends the utterance and sends the final transcript (live). @default 300 */
  endOfSpeechMs?: number;
  /** Refuse other keys (`Authorization: Token <key>`) with a 401. @default no check */
  apiKey?: string;
}

/** A mocked Deepgram: live `/v1/listen` over a real WebSocket server on 127.0.0.1, and prerecorded `POST /v1/listen`. */
export interface MockDeepgramSTT extends STTMockBase {
  /** `http://127.0.0.1:<port>`: pass as the entry's `baseURL`. */
  readonly baseURL: string;
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

/**
 * Mocks Deepgram speech-to-text. Live (`GET /v1/listen` upgraded to a WebSocket): reads binary audio; once
 * `afterAudioMs` of voiced audio arrived sends `SpeechStarted` and an interim `Results`, and when `endOfSpeechMs` of
 * silence follows, the final `Results` (`is_final`; `speech_final` when endpointing is on) and, when the client set
 * `utterance_end_ms`, `UtteranceEnd`; answers
 * `Finalize` with the pending transcript and `CloseStream` with `Metadata` and a close. Prerecorded
 * (`POST /v1/listen`, a WAV body): answers Deepgram's JSON. Both record the query (model, language …) and the
 * `Authorization: Token …` header. Scenarios script handshake or HTTP failures, error closes, mid-stream closes and delays.
 */
export async function mockDeepgramSTT(options: MockDeepgramSTTOptions = {}): Promise<MockDeepgramSTT> {
  const defaultTranscript = options.transcript ?? 'Hello from the mock.';
  const queue = new ScenarioQueue<STTScenario>();
  const requests: STTRequest[] = [];
  const pending = new WeakMap<object, STTScenario>();
  const authorized = (request: IncomingMessage) => !options.apiKey || request.headers.authorization === `Token ${options.apiKey}`;

  const server = await startWsMockServer({
    async onUpgrade(request, url) {
      if (url.pathname !== '/v1/listen') return { status: 404, body: 'not found' };
      if (!authorized(request)) return { status: 401, ...unauthorizedBody() };
      const scenario = queue.take() ?? {};
      if (scenario.connectDelayMs) await sleep(scenario.connectDelayMs);
      pending.set(request, scenario);
      return refusedHandshake(scenario, 'deepgram');
    },
    onConnection({ socket, request, url, headers }) {
      const record = newRecord('websocket', url, headers);
      requests.push(record);
      runLive(socket, record, pending.get(request) ?? {}, {
        transcript: defaultTranscript,
        afterAudioMs: options.afterAudioMs ?? 300,
        endOfSpeechMs: options.endOfSpeechMs ?? 300,
      });
    },
    onRequest(request, response) {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'POST' || url.pathname !== '/v1/listen') return void response.writeHead(404).end();
      const record = newRecord('http', url, request.headers);
      requests.push(record);
      void answerPrerecorded(request, response, record, authorized(request) ? (queue.take() ?? {}) : undefined, defaultTranscript);
    },
  });

  return withScenarios(queue, [requests], {
    baseURL: server.baseURL,
    requests,
    close: () => server.close(),
  });
}

function newRecord(transport: STTRequest['transport'], url: URL, headers: IncomingMessage['headers']): STTRequest {
  const base = recordedRequest(transport, url, headers);
  const { query } = base;
  return {
    ...base,
    model: query.model,
    language: query.language,
    sampleRate: query.sample_rate ? Number(query.sample_rate) : undefined,
    audioBytes: 0,
    body: query,
    messages: [],
    transcripts: [],
    closed: false,
  };
}

function unauthorizedBody() {
  return {
    body: JSON.stringify({ err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: randomUUID() }),
    headers: { 'content-type': 'application/json' },
  };
}

function wordsOf(transcript: string) {
  return timedWords(transcript).map((word) => ({
    word: word.word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
    punctuated_word: word.word,
    start: word.start,
    end: word.end,
    confidence: 0.98,
  }));
}

function runLive(
  socket: WebSocket,
  record: STTRequest,
  scenario: STTScenario,
  defaults: { transcript: string; afterAudioMs: number; endOfSpeechMs: number },
): void {
  const requestId = randomUUID();
  const abort = new AbortController();
  const channels = Number(record.query.channels) || 1;
  const sampleRate = record.sampleRate ?? 16_000;
  const transcript = scenario.transcript ?? defaults.transcript;
  const detector = new UtteranceDetector({
    sampleRate: () => sampleRate,
    channels,
    afterAudioMs: scenario.afterAudioMs ?? defaults.afterAudioMs,
    endOfSpeechMs: defaults.endOfSpeechMs,
  });
  const send = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const results = (text: string, isFinal: boolean, fromFinalize = false) => {
    const words = wordsOf(text);
    send({
      type: 'Results',
      channel_index: [0, channels],
      duration: words.at(-1)?.end ?? 0,
      start: 0,
      is_final: isFinal,
      // `speech_final` marks an endpoint, which Deepgram detects only with endpointing on ("Understanding endpointing
      // and interim results"); without it a final is `is_final` alone.
      speech_final: isFinal && record.query.endpointing !== 'false',
      from_finalize: fromFinalize,
      channel: { alternatives: [{ transcript: text, confidence: 0.98, words }] },
      metadata: {
        request_id: requestId,
        model_info: { name: record.model ?? 'nova-3', version: 'mock', arch: 'mock' },
        model_uuid: 'mock',
      },
    });
  };
  let finishing: Promise<void> | undefined;
  let failed = false;
  const finish = (fromFinalize: boolean) => {
    detector.reset();
    finishing ??= (async () => {
      if (scenario.delayMs) await sleep(scenario.delayMs, abort.signal);
      results(transcript, true, fromFinalize);
      // Deepgram sends UtteranceEnd only to a client that asked for it with `utterance_end_ms` ("Utterance End").
      if (record.query.utterance_end_ms) {
        send({ type: 'UtteranceEnd', channel: [0, channels], last_word_end: timedWords(transcript).at(-1)?.end ?? 0 });
      }
      record.transcripts.push(transcript);
    })()
      .catch(() => undefined)
      .finally(() => {
        finishing = undefined;
      });
    return finishing;
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      const pcm = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      record.audioBytes += pcm.length;
      if (failed) return;
      failed = failMidStream(scenario, socket, { bytes: record.audioBytes, bytesPerSecond: sampleRate * 2 * channels }, () =>
        // Deepgram reports stream errors in the close frame.
        socket.close(1011, (scenario.message ?? 'NET-0001').slice(0, 120)),
      );
      if (failed) return;
      const event = detector.push(pcm);
      if (event === 'interim' && scenario.malformed) {
        failed = true;
        if (socket.readyState === socket.OPEN) socket.send('{"type": "Results", ');
      } else if (event === 'interim') {
        send({ type: 'SpeechStarted', channel: [0, channels], timestamp: 0 });
        if (scenario.interim ?? true) results(interimOf(transcript), false);
      }
      if (event === 'final') void finish(false);
      return;
    }
    const message = jsonMessage(data);
    if (!message) return;
    record.messages.push(message);
    if (message.type === 'Finalize' && !failed && detector.voicedMs > 0) void finish(true);
    if (message.type === 'CloseStream') {
      void (async () => {
        await finishing;
        const duration = record.audioBytes / (sampleRate * 2 * channels);
        send({
          type: 'Metadata',
          transaction_key: 'deprecated',
          request_id: requestId,
          created: new Date().toISOString(),
          duration,
          channels,
        });
        socket.close(1000);
      })();
    }
  });
  socket.once('close', () => {
    record.closed = true;
    abort.abort();
  });
}

async function answerPrerecorded(
  request: IncomingMessage,
  response: ServerResponse,
  record: STTRequest,
  scenario: STTScenario | undefined,
  defaultTranscript: string,
): Promise<void> {
  let bytes = 0;
  for await (const chunk of request) bytes += (chunk as Buffer).length;
  // The plugin uploads a WAV file: count the PCM only.
  record.audioBytes = Math.max(0, bytes - (request.headers['content-type']?.includes('wav') ? 44 : 0));
  if (!scenario) {
    const { body, headers } = unauthorizedBody();
    return void response.writeHead(401, headers).end(body);
  }
  if (scenario.delayMs) await sleep(scenario.delayMs);
  if (scenario.status) {
    const { body, headers } = errorBody(scenario, 'deepgram');
    return void response.writeHead(scenario.status, headers).end(body);
  }
  const transcript = scenario.transcript ?? defaultTranscript;
  record.transcripts.push(transcript);
  const words = wordsOf(transcript);
  response.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      metadata: {
        request_id: randomUUID(),
        created: new Date().toISOString(),
        duration: words.at(-1)?.end ?? 0,
        channels: 1,
        models: [record.model ?? 'nova-3'],
      },
      results: { channels: [{ alternatives: [{ transcript, confidence: 0.98, words }] }] },
    }),
  );
}
