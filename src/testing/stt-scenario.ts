import type { WebSocket } from 'ws';

/**
 * One scripted behaviour of a mocked STT endpoint, for one recognition: a WebSocket connection (streaming) or one
 * HTTP request (batch). Unset fields give a normal answer: the mock's transcript once enough audio has arrived.
 */
export interface STTScenario {
  /** How many recognitions this scenario answers before it is used up. @default Infinity */
  times?: number;
  /** The final transcript. @default the mock's `transcript` */
  transcript?: string;
  /** Send an interim transcript (the first half of the words) before the final one (streaming mocks). @default true */
  interim?: boolean;
  /**
   * Answer with this HTTP status (and a JSON error body). On a WebSocket mock it refuses the handshake with that
   * status, which the client sees as a failed connect.
   */
  status?: number;
  /** `Retry-After` header with `status`: seconds (a number) or an HTTP date (a string). */
  retryAfter?: number | string;
  /** Error message in the body (`status`) or in the provider's error message (`error`). */
  message?: string;
  /**
   * WebSocket mocks: fail the stream with the provider's own error once audio arrives (Inference: an `error` event;
   * Deepgram: a close frame with code 1011 and the message as reason).
   */
  error?: boolean;
  /** Code of the Inference `error` event (2007 is Inference's non-retryable inactivity timeout). @default 500 */
  errorCode?: number;
  /** WebSocket mocks: wait this long before answering the handshake, in ms. */
  connectDelayMs?: number;
  /** Wait this long before the transcript (HTTP: before the response headers), in ms. */
  delayMs?: number;
  /** WebSocket mocks: voiced audio (ms) to receive before the interim transcript; the final one needs it too. @default the mock's `afterAudioMs` (300) */
  afterAudioMs?: number;
  /** WebSocket mocks: close the socket (code 1011) once this much audio (ms) arrived, before any transcript. */
  closeAfterAudioMs?: number;
  /** Send a frame that is not valid JSON before the transcript (HTTP: a 200 whose JSON body is cut short). */
  malformed?: boolean;
  /** Drop the connection without a close frame once audio arrives (a TCP reset; HTTP: a network error). */
  reset?: boolean;
  /** WebSocket mocks: go silent (no event, socket left open) once this much audio (ms) arrived. */
  stallAfterAudioMs?: number;
}

/** What a client sent for one recognition. Header names are lower-case. */
export interface STTRequest {
  transport: 'http' | 'websocket';
  /** URL path of the request or of the WebSocket upgrade. */
  path: string;
  /** Query parameters of the request or of the upgrade URL. */
  query: Record<string, string>;
  headers: Record<string, string>;
  model: string | undefined;
  language: string | undefined;
  /** The sample rate of the audio the client declared. */
  sampleRate: number | undefined;
  /** Audio bytes received (PCM, or the uploaded file without its WAV header); grows while a stream is open. */
  audioBytes: number;
  /** HTTP: the form fields (multipart) or query. WebSocket: the session's first JSON message, if any. */
  body: unknown;
  /** WebSocket: every JSON message the client sent, in order (audio chunks are counted, not kept). */
  messages: Record<string, unknown>[];
  /** The transcripts the mock sent back (final ones). */
  transcripts: string[];
  /** WebSocket: the connection has closed. */
  closed: boolean;
  at: number;
}

/** The common surface of the STT mocks. */
export interface STTMockBase {
  /** Every recognition (connection or request) that reached the mock, in order. */
  readonly requests: STTRequest[];
  /** Queues scenarios; the first one that is not used up answers the next recognition. */
  use(...scenarios: STTScenario[]): this;
  /** Forgets scenarios and recorded requests. */
  reset(): void;
}

/** Words of a transcript with made-up, increasing timings (seconds). */
export function timedWords(transcript: string): { word: string; start: number; end: number }[] {
  return transcript
    .split(/\s+/)
    .filter(Boolean)
    .map((word, index) => ({ word, start: 0.1 + index * 0.3, end: 0.1 + index * 0.3 + 0.25 }));
}

/** The first half of the words: the interim transcript. */
export function interimOf(transcript: string): string {
  const words = transcript.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.max(1, Math.ceil(words.length / 2))).join(' ');
}

/**
 * How the streaming mocks decide when an utterance starts and ends, like a provider's endpointing: a chunk is voiced
 * when its RMS is above about -40 dBFS; `interim` once `afterAudioMs` of voiced audio arrived, `final` when voiced
 * audio is followed by `endOfSpeechMs` of silence.
 */
export class UtteranceDetector {
  #voicedMs = 0;
  #silenceMs = 0;
  #interimSent = false;

  constructor(private readonly options: { sampleRate: () => number; channels?: number; afterAudioMs: number; endOfSpeechMs: number }) {}

  /** Voiced audio of the current utterance, in ms. */
  get voicedMs(): number {
    return this.#voicedMs;
  }

  push(pcm: Uint8Array): 'interim' | 'final' | undefined {
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
    const ms = (samples.length / (this.options.channels ?? 1) / this.options.sampleRate()) * 1000;
    let energy = 0;
    for (const sample of samples) energy += sample * sample;
    const voiced = samples.length > 0 && Math.sqrt(energy / samples.length) > 300;
    if (voiced) {
      this.#voicedMs += ms;
      this.#silenceMs = 0;
      if (!this.#interimSent && this.#voicedMs >= this.options.afterAudioMs) {
        this.#interimSent = true;
        return 'interim';
      }
      return undefined;
    }
    if (this.#voicedMs === 0) return undefined;
    this.#silenceMs += ms;
    return this.#voicedMs >= this.options.afterAudioMs && this.#silenceMs >= this.options.endOfSpeechMs ? 'final' : undefined;
  }

  reset(): void {
    this.#voicedMs = 0;
    this.#silenceMs = 0;
    this.#interimSent = false;
  }
}

/**
 * Applies a streaming scenario's mid-stream failures once `audioBytes` of PCM (`bytesPerSecond`) arrived: a reset,
 * a stall, a close with 1011, or the provider's own error (`providerError`). True when the stream has failed, so
 * the mock says nothing more.
 */
export function failMidStream(
  scenario: STTScenario,
  socket: WebSocket,
  audio: { bytes: number; bytesPerSecond: number },
  providerError: () => void,
): boolean {
  const after = (ms: number | undefined) => ms !== undefined && audio.bytes >= (audio.bytesPerSecond * ms) / 1000;
  if (scenario.reset) socket.terminate();
  else if (after(scenario.stallAfterAudioMs)) {
    // silent from now on, socket left open
  } else if (after(scenario.closeAfterAudioMs)) socket.close(1011, 'mock: closed mid-stream');
  else if (scenario.error) providerError();
  else return false;
  return true;
}
