import type { WebSocket } from 'ws';
import { sleep } from './sleep.js';
import { recordedRequest } from './recorded-request.js';
import { ScenarioQueue, withScenarios } from './scenario-queue.js';
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
import { startWsMockServer } from './ws-mock-server.js';

export interface MockVoskSTTOptions {
  /** The final transcript of every utterance. @default "hello from the mock" */
  transcript?: string;
  /**
   * Which vosk-server to mock: `"python"` (`websocket/asr_server.py`, the `alphacep/kaldi-*` images) or `"cpp"`
   * (`websocket-cpp/asr_server.cpp`, the `alphacep/kaldi-beast-*` images), which feeds the `config` message to the
   * recognizer as audio, knows no `reset`, decodes at its `VOSK_SAMPLE_RATE` whatever the client says, and closes after
   * the `eof` answer only once it reads again (another message, or the client's close).
   * @default "python"
   */
  server?: 'python' | 'cpp';
  /** The server's sample rate when the client sends no `config` (vosk-server's `VOSK_SAMPLE_RATE`); the C++ server's only one. @default 8000 */
  sampleRate?: number;
  /** Voiced audio (ms) before the partial result turns into the interim transcript. @default 300 */
  afterAudioMs?: number;
  /** Silence (ms) after voiced audio that ends the utterance with a result (Vosk's endpointer). @default 300 */
  endOfSpeechMs?: number;
  /** Word timings in results (`VOSK_SHOW_WORDS`; the Python server's `config.words` overrides it). @default true */
  words?: boolean;
  /**
   * Results as n-best `alternatives` instead of `text` and `result` (`VOSK_ALTERNATIVES`; the Python server's
   * `config.max_alternatives` overrides it). 0 for the plain format. @default 0
   */
  alternatives?: number;
  /**
   * Largest message the server reads, in bytes: a larger one is closed with 1009 (message too big). The Python server
   * runs the `websockets` library with its default `max_size` (1 MiB). The C++ server uses Boost.Beast's
   * `read_message_max`, whose documented default is 16 MiB (not confirmed against a running image).
   * @default 1048576 (python), 16777216 (cpp)
   */
  maxMessageBytes?: number;
}

/** A mocked vosk-server on a real WebSocket server on 127.0.0.1. */
export interface MockVoskSTT extends STTMockBase {
  /** `ws://127.0.0.1:<port>`: pass as the entry's `baseURL`. */
  readonly baseURL: string;
  /** Stops the server and drops every connection. */
  close(): Promise<void>;
}

/**
 * Mocks vosk-server (`websocket/asr_server.py`): a text message with `config` sets the sample rate (and phrase list)
 * and gets no answer; every other message gets one: binary PCM16 is answered with a partial (`{"partial" : "..."}`,
 * empty until `afterAudioMs` of voiced audio, then the first half of the words) or, once `endOfSpeechMs` of silence
 * follows, a result (`{"result" : [...], "text" : "..."}`); `{"eof" : 1}` (compared as a string, as the server
 * does) with the last result, then a close; `{"reset" : 1}` with the last result. Any other text is fed to the
 * recognizer as audio, as the real server does. A message over `maxMessageBytes` is closed with 1009, as the
 * `websockets` library does. With `server: "cpp"` it behaves as the C++ server (see {@link MockVoskSTTOptions.server}).
 * Records the config (as `body`, with `sampleRate`), every JSON message and the audio; scenarios script refused or
 * slow handshakes, a 1011 close (`error`: the server's exception), resets, stalls, delays and a frame that is not JSON.
 *
 * The result layouts follow vosk-api's `Recognizer` (`MbrResult`: `result` words with `conf`, `start`, `end`, `word`;
 * `NbestResult`: `alternatives` of `text`, `confidence` (a lattice likelihood, not 0–1) and, with words, `result`
 * without `conf`; an empty result `{"text": ""}` or `{"alternatives" : [{"text": "", "confidence" : 1.0}] }`).
 * Not confirmed from the sources: the close reason the `websockets` library gives with 1009 (it varies by version),
 * and whether the C++ server's `strcmp` on its unterminated read buffer always matches `{"eof" : 1}` (the mock
 * assumes it does).
 */
export async function mockVoskSTT(options: MockVoskSTTOptions = {}): Promise<MockVoskSTT> {
  const queue = new ScenarioQueue<STTScenario>();
  const requests: STTRequest[] = [];
  const pending = new WeakMap<object, STTScenario>();
  const server = await startWsMockServer({
    async onUpgrade(request) {
      const scenario = queue.take() ?? {};
      if (scenario.connectDelayMs) await sleep(scenario.connectDelayMs);
      pending.set(request, scenario);
      return refusedHandshake(scenario, 'openai');
    },
    onConnection({ socket, request, url, headers }) {
      const record: STTRequest = {
        ...recordedRequest('websocket', url, headers),
        model: undefined,
        language: undefined,
        sampleRate: undefined,
        audioBytes: 0,
        body: undefined,
        messages: [],
        transcripts: [],
        closed: false,
      };
      requests.push(record);
      recognize(socket, record, pending.get(request) ?? {}, options);
    },
  });
  return withScenarios(queue, [requests], { baseURL: server.wsURL, requests, close: () => server.close() });
}

/** Kaldi's JSON layout (vosk-server sends the recognizer's strings as they are). */
const partial = (text: string) => `{\n  "partial" : ${JSON.stringify(text)}\n}`;

/** What vosk-api's recognizer answers at the end of an utterance, in the format the server set up. */
function resultJSON(text: string, format: { words: boolean; alternatives: number }): string {
  if (!text) return format.alternatives > 0 ? '{"alternatives" : [{"text": "", "confidence" : 1.0}] }' : '{"text": ""}';
  const timed = timedWords(text).map((word) => ({ end: word.end, start: word.start, word: word.word.toLowerCase() }));
  if (format.alternatives > 0) {
    // n-best: the transcript first, then variants with lower likelihoods
    const variants = [text, ...Array.from({ length: format.alternatives - 1 }, (_, i) => `${text} ${'uh '.repeat(i + 1).trim()}`)];
    const alternatives = variants.map((variant, index) => ({
      confidence: 228.57 - index * 12.5,
      ...(format.words && { result: index === 0 ? timed : timedWords(variant).map(({ word, start, end }) => ({ end, start, word })) }),
      text: variant,
    }));
    return JSON.stringify({ alternatives }, null, 2);
  }
  if (!format.words) return JSON.stringify({ text }, null, 2);
  return JSON.stringify({ result: timed.map((word) => ({ conf: 0.98, ...word })), text }, null, 2);
}

function recognize(socket: WebSocket, record: STTRequest, scenario: STTScenario, options: MockVoskSTTOptions): void {
  const transcript = scenario.transcript ?? options.transcript ?? 'hello from the mock';
  const cpp = options.server === 'cpp';
  const maxMessageBytes = options.maxMessageBytes ?? (cpp ? 16 * 1024 * 1024 : 1024 * 1024);
  const format = { words: options.words ?? true, alternatives: options.alternatives ?? 0 };
  let sampleRate = options.sampleRate ?? 8_000;
  record.sampleRate = cpp ? sampleRate : undefined;
  const detector = new UtteranceDetector({
    sampleRate: () => sampleRate,
    afterAudioMs: scenario.afterAudioMs ?? options.afterAudioMs ?? 300,
    endOfSpeechMs: options.endOfSpeechMs ?? 300,
  });
  let failed = false;
  /** The C++ server answered `eof`: it closes when it next reads. */
  let stopped = false;
  let busy = Promise.resolve();
  const send = (text: string) => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const result = async (text: string) => {
    if (scenario.delayMs) await sleep(scenario.delayMs);
    if (text) record.transcripts.push(text);
    send(resultJSON(text, format));
  };
  /** The last result: the utterance in progress, if it was voiced long enough to be recognised. */
  const finalResult = () => {
    const voiced = detector.voicedMs >= (scenario.afterAudioMs ?? options.afterAudioMs ?? 300);
    detector.reset();
    return result(voiced ? transcript : '');
  };
  const onAudio = async (pcm: Buffer) => {
    record.audioBytes += pcm.length;
    if (failed) return;
    failed = failMidStream(scenario, socket, { bytes: record.audioBytes, bytesPerSecond: sampleRate * 2 }, () =>
      // vosk-server's handler raised: the websockets library closes with 1011.
      socket.close(1011, 'internal error'),
    );
    if (failed) return;
    const events = detector.push(pcm);
    // The endpointer closed the utterance (the detector starts over on its own).
    if (events.includes('final')) return result(transcript);
    if (events.includes('interim') && scenario.malformed) {
      failed = true;
      return send('{"partial" : ');
    }
    const interim = detector.voicedMs >= (scenario.afterAudioMs ?? options.afterAudioMs ?? 300) && (scenario.interim ?? true);
    send(partial(interim ? interimOf(transcript) : ''));
  };
  /** Records a text message that parses as JSON (what the client meant), whichever server reads it. */
  const recordJSON = (text: string) => {
    try {
      const value = JSON.parse(text) as { config?: Record<string, unknown> } | null;
      if (value && typeof value === 'object') record.messages.push(value.config ?? (value as Record<string, unknown>));
    } catch {
      // not JSON: audio to the server
    }
  };

  const onText = async (text: string, bytes: Buffer) => {
    if (cpp) {
      // process_chunk: only the exact end-of-stream string is special; the rest, config included, is audio.
      recordJSON(text);
      if (text === '{"eof" : 1}') {
        stopped = true;
        return finalResult();
      }
      return onAudio(bytes);
    }
    if (text.includes('config')) {
      try {
        const config = (JSON.parse(text) as { config: Record<string, unknown> }).config;
        record.body = config;
        record.messages.push(config);
        if (typeof config.sample_rate === 'number') sampleRate = config.sample_rate;
        if ('words' in config) format.words = Boolean(config.words);
        if ('max_alternatives' in config) format.alternatives = Number(config.max_alternatives);
        record.sampleRate = sampleRate;
      } catch {
        // the real server raises here and closes with 1011
        socket.close(1011, 'internal error');
      }
      return;
    }
    if (text === '{"eof" : 1}') {
      record.messages.push({ eof: 1 });
      await finalResult();
      socket.close(1000);
      return;
    }
    if (text === '{"reset" : 1}') {
      record.messages.push({ reset: 1 });
      return finalResult();
    }
    // Anything else is audio to vosk-server, whatever it says (a misspelt `{"eof": 1}` included).
    return onAudio(bytes);
  };

  socket.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (bytes.length > maxMessageBytes) {
      // the websockets library (max_size) and Beast (read_message_max) fail the connection with 1009
      socket.close(1009, `over size limit (${bytes.length} > ${maxMessageBytes} bytes)`);
      return;
    }
    // The server answers messages one at a time, in order.
    busy = busy.then(async () => {
      if (stopped) return socket.close(1000);
      if (isBinary) return onAudio(bytes);
      return onText(bytes.toString(), bytes);
    });
    busy = busy.catch(() => undefined);
  });
  socket.once('close', () => {
    record.closed = true;
  });
}
