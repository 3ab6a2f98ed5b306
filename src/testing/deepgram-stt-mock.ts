import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { sleep } from './sleep.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
import { errorBody, refusedHandshake } from './scripted-failure.js';
import { failMidStream, type STTMockBase, type STTRequest, type STTScenario, timedWords, UtteranceDetector } from './stt-scenario.js';
import { jsonMessage, startWsMockServer } from './ws-mock-server.js';

export interface MockDeepgramSTTOptions {
  /** The final transcript of every recognition. @default "Hello from the mock." */
  transcript?: string;
  /** Voiced audio (ms) to receive before the interim transcript (live). @default 300 */
  afterAudioMs?: number;
  /**
   * Non-speech (ms) after speech that ends the utterance (the endpoint) when the client sent no `endpointing`
   * (live). With `endpointing=<ms>` the client's value is used, as Deepgram does. @default 300
   */
  endOfSpeechMs?: number;
  /** While speech goes on, an interim result every this many ms of audio (live; "Using Interim Results"). @default 1000 */
  interimEveryMs?: number;
  /**
   * A long utterance is finalized in segments of this much audio: `is_final: true` without `speech_final`, the
   * endpoint's final carrying the rest (live; "Configure Endpointing and Interim Results"). @default 5000
   */
  segmentMs?: number;
  /** Refuse other keys (`Authorization: Token <key>`) with a 401. @default no check */
  apiKey?: string;
  /**
   * A live stream that receives neither audio nor a text message (`KeepAlive`) for this long is closed with 1011 and
   * `NET-0001`, as Deepgram does ("Errors": NET-0001, "Audio Keep Alive": 10 seconds). @default 10000
   */
  idleTimeoutMs?: number;
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
 * `utterance_end_ms`, `UtteranceEnd` once that much audio followed the last finalized word ("Utterance End": a gap in
 * the audio, so it comes only as audio keeps arriving, and not at all if speech resumes first); closes a stream that
 * gets no message for `idleTimeoutMs` (NET-0001); answers
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
        interimEveryMs: options.interimEveryMs ?? 1_000,
        segmentMs: options.segmentMs ?? 5_000,
        idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
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

/** Audio (ms) a word takes in the mock's timing: words are heard one by one as speech goes on. */
const MS_PER_WORD = 300;

function runLive(
  socket: WebSocket,
  record: STTRequest,
  scenario: STTScenario,
  defaults: {
    transcript: string;
    afterAudioMs: number;
    endOfSpeechMs: number;
    interimEveryMs: number;
    segmentMs: number;
    idleTimeoutMs: number;
  },
): void {
  const requestId = randomUUID();
  const abort = new AbortController();
  const channels = Number(record.query.channels) || 1;
  const sampleRate = record.sampleRate ?? 16_000;
  const transcript = scenario.transcript ?? defaults.transcript;
  const words = transcript.split(/\s+/).filter(Boolean);
  // The client's `endpointing` (ms of silence that ends an utterance; "Endpointing") when it set one.
  const endpointing = Number(record.query.endpointing);
  const endpointingOn = record.query.endpointing !== 'false';
  const interimResults = record.query.interim_results !== 'false';
  // The mock's VAD calls a pause only after three non-speech windows (90 ms), as it needs three to call speech.
  const endOfSpeechMs = endpointing > 0 ? Math.max(endpointing, 90) : defaults.endOfSpeechMs;
  const detector = new UtteranceDetector({
    sampleRate: () => sampleRate,
    channels,
    afterAudioMs: scenario.afterAudioMs ?? defaults.afterAudioMs,
    endOfSpeechMs,
    interimEveryMs: defaults.interimEveryMs,
    segmentMs: defaults.segmentMs,
  });
  /** Words already sent in a final result of this utterance. */
  let finalized = 0;
  /** Audio (s) sent results cover, for `start`/`duration`. */
  let cursor = 0;
  const heard = () => Math.min(words.length, Math.max(finalized + 1, Math.floor(detector.voicedMs / MS_PER_WORD)));
  const send = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const results = (text: string, flags: { isFinal: boolean; speechFinal?: boolean; fromFinalize?: boolean }) => {
    const now = record.audioBytes / (sampleRate * 2 * channels);
    // Word times are seconds from the start of the stream, as Deepgram sends them.
    const timed = wordsOf(text).map((word) => ({ ...word, start: cursor + word.start, end: cursor + word.end }));
    send({
      type: 'Results',
      channel_index: [0, channels],
      duration: Math.max(0, now - cursor),
      start: cursor,
      is_final: flags.isFinal,
      // `speech_final` marks an endpoint, which Deepgram detects only with endpointing on ("Understanding endpointing
      // and interim results"); a final inside a long utterance is `is_final` alone.
      speech_final: Boolean(flags.speechFinal) && endpointingOn,
      from_finalize: Boolean(flags.fromFinalize),
      channel: { alternatives: [{ transcript: text, confidence: text ? 0.98 : 0, words: timed }] },
      metadata: {
        request_id: requestId,
        model_info: { name: record.model ?? 'nova-3', version: 'mock', arch: 'mock' },
        model_uuid: 'mock',
      },
    });
    if (flags.isFinal) cursor = now;
  };
  let finishing: Promise<void> | undefined;
  let failed = false;
  // The end (s of audio) of the last finalized word, while an UtteranceEnd is owed; `utterance_end_ms` of audio after it
  // without a new word sends it.
  const utteranceEndMs = Number(record.query.utterance_end_ms);
  let owedUtteranceEnd: number | undefined;
  const audioSeconds = () => record.audioBytes / (sampleRate * 2 * channels);
  // Deepgram closes a stream that sent nothing for 10 s (NET-0001); audio and KeepAlive both count.
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (socket.readyState === socket.OPEN) socket.close(1011, 'NET-0001');
    }, defaults.idleTimeoutMs);
  };
  touch();
  const finish = (fromFinalize: boolean) => {
    const rest = words.slice(finalized).join(' ');
    detector.reset();
    finalized = 0;
    finishing ??= (async () => {
      if (scenario.delayMs) await sleep(scenario.delayMs, abort.signal);
      results(rest, { isFinal: true, speechFinal: !fromFinalize, fromFinalize });
      // Deepgram sends UtteranceEnd only to a client that asked for it with `utterance_end_ms` ("Utterance End"), once
      // that much audio followed the last word: the silence that ended the utterance already counts.
      if (utteranceEndMs > 0 && rest) owedUtteranceEnd = Math.max(0, cursor - (fromFinalize ? 0 : endOfSpeechMs / 1000));
      if (rest) record.transcripts.push(rest);
    })()
      .catch(() => undefined)
      .finally(() => {
        finishing = undefined;
      });
    return finishing;
  };

  socket.on('message', (data, isBinary) => {
    touch();
    if (isBinary) {
      const pcm = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      record.audioBytes += pcm.length;
      if (failed) return;
      if (owedUtteranceEnd !== undefined && (audioSeconds() - owedUtteranceEnd) * 1000 >= utteranceEndMs) {
        send({ type: 'UtteranceEnd', channel: [0, channels], last_word_end: owedUtteranceEnd });
        owedUtteranceEnd = undefined;
      }
      failed = failMidStream(scenario, socket, { bytes: record.audioBytes, bytesPerSecond: sampleRate * 2 * channels }, () =>
        // Deepgram reports stream errors in the close frame.
        socket.close(1011, (scenario.message ?? 'NET-0001').slice(0, 120)),
      );
      if (failed) return;
      for (const event of detector.push(pcm)) {
        if (event === 'idle') {
          // Deepgram keeps answering while it hears no words: results with an empty transcript, about every second.
          if (interimResults) results('', { isFinal: false });
        } else if (event === 'interim' && scenario.malformed) {
          failed = true;
          if (socket.readyState === socket.OPEN) socket.send('{"type": "Results", ');
          return;
        } else if (event === 'start') {
          owedUtteranceEnd = undefined; // speech resumed before the gap: no UtteranceEnd
          // With `vad_events=true` Deepgram says when it hears speech start ("Speech Started").
          if (record.query.vad_events === 'true') send({ type: 'SpeechStarted', channel: [0, channels], timestamp: cursor });
        } else if (event === 'interim') {
          if (interimResults && (scenario.interim ?? true)) results(words.slice(finalized, heard()).join(' '), { isFinal: false });
        } else if (event === 'segment') {
          // A long utterance: what was heard so far is final (`is_final`), the endpoint is still to come.
          const upTo = Math.min(heard(), words.length - 1);
          const text = words.slice(finalized, upTo).join(' ');
          results(text, { isFinal: true });
          if (text) record.transcripts.push(text);
          finalized = Math.max(finalized, upTo);
        } else if (event === 'final') void finish(false);
      }
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
    clearTimeout(idle);
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
