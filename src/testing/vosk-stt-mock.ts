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
  /** The server's sample rate when the client sends no `config` (vosk-server's `VOSK_SAMPLE_RATE`). @default 8000 */
  sampleRate?: number;
  /** Voiced audio (ms) before the partial result turns into the interim transcript. @default 300 */
  afterAudioMs?: number;
  /** Silence (ms) after voiced audio that ends the utterance with a result (Vosk's endpointer). @default 300 */
  endOfSpeechMs?: number;
  /** Send word timings in results (`result`), as vosk-server does by default (`VOSK_SHOW_WORDS`). @default true */
  words?: boolean;
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
 * recognizer as audio, as the real server does. Records the config (as `body`, with `sampleRate`), every JSON
 * message and the audio; scenarios script refused or slow handshakes, a 1011 close (`error`: the server's exception),
 * resets, stalls, delays and a frame that is not JSON.
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

function recognize(socket: WebSocket, record: STTRequest, scenario: STTScenario, options: MockVoskSTTOptions): void {
  const transcript = scenario.transcript ?? options.transcript ?? 'hello from the mock';
  let sampleRate = options.sampleRate ?? 8_000;
  const detector = new UtteranceDetector({
    sampleRate: () => sampleRate,
    afterAudioMs: scenario.afterAudioMs ?? options.afterAudioMs ?? 300,
    endOfSpeechMs: options.endOfSpeechMs ?? 300,
  });
  let failed = false;
  let busy = Promise.resolve();
  const send = (text: string) => {
    if (socket.readyState === socket.OPEN) socket.send(text);
  };
  const result = async (text: string) => {
    if (scenario.delayMs) await sleep(scenario.delayMs);
    if (text) record.transcripts.push(text);
    const words = timedWords(text).map((word) => ({ conf: 0.98, end: word.end, start: word.start, word: word.word.toLowerCase() }));
    send(JSON.stringify(options.words === false || !text ? { text } : { result: words, text }, null, 2));
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

  socket.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    // The server answers messages one at a time, in order.
    busy = busy.then(async () => {
      if (isBinary) return onAudio(bytes);
      const text = bytes.toString();
      if (text.includes('config')) {
        try {
          const config = (JSON.parse(text) as { config: Record<string, unknown> }).config;
          record.body = config;
          record.messages.push(config);
          if (typeof config.sample_rate === 'number') sampleRate = config.sample_rate;
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
    });
    busy = busy.catch(() => undefined);
  });
  socket.once('close', () => {
    record.closed = true;
  });
}
