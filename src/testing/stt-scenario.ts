import type { FailureScenario } from './scripted-failure.js';
import type { WebSocket } from 'ws';

/**
 * One scripted behaviour of a mocked STT endpoint, for one recognition: a WebSocket connection (streaming) or one
 * HTTP request (batch). Unset fields give a normal answer: the mock's transcript once enough audio has arrived.
 */
export interface STTScenario extends FailureScenario {
  /** How many recognitions this scenario answers before it is used up. @default Infinity */
  times?: number;
  /** The final transcript. @default the mock's `transcript` */
  transcript?: string;
  /** Send an interim transcript (the first half of the words) before the final one (streaming mocks). @default true */
  interim?: boolean;
  /**
   * WebSocket mocks: fail the stream with the provider's own error once audio arrives (Inference: an `error` event;
   * Deepgram: a close frame with code 1011 and the message as reason).
   */
  error?: boolean;
  /** Code of the Inference `error` event (2007 is Inference's non-retryable inactivity timeout). @default 500 */
  errorCode?: number;
  /** WebSocket mocks: wait this long before answering the handshake, in ms. */
  connectDelayMs?: number;
  /** WebSocket mocks: voiced audio (ms) to receive before the interim transcript; the final one needs it too. @default the mock's `afterAudioMs` (300) */
  afterAudioMs?: number;
  /** WebSocket mocks: close the socket (code 1011) once this much audio (ms) arrived, before any transcript. */
  closeAfterAudioMs?: number;
  /** Send a frame that is not valid JSON before the transcript (HTTP: a 200 whose JSON body is cut short). */
  malformed?: boolean;
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

/** What the audio of one push told the {@link UtteranceDetector}. */
export type UtteranceEvent =
  /** Speech started (three periodic windows in a row). */
  | 'start'
  /** Speech goes on: an interim result is due (the first once `afterAudioMs` of speech arrived, then every `interimEveryMs`). */
  | 'interim'
  /** A long utterance reached `segmentMs`: the words so far are final, the utterance goes on. */
  | 'segment'
  /** Speech was followed by `endOfSpeechMs` of non-speech: the endpoint. */
  | 'final'
  /** `interimEveryMs` of audio without speech (a provider keeps answering, with empty transcripts). */
  | 'idle';

export interface UtteranceDetectorOptions {
  sampleRate: () => number;
  channels?: number;
  afterAudioMs: number;
  endOfSpeechMs: number;
  /** @default 1000 */
  interimEveryMs?: number;
  /** @default Infinity (no segment finals) */
  segmentMs?: number;
}

/** Analysis window of the detector, in ms. */
const WINDOW_MS = 30;
/** Below this RMS (about -47 dBFS) a window is silence whatever its shape. */
const MIN_RMS = 150;

/**
 * How the streaming mocks decide when an utterance starts and ends, like a provider's voice activity detection: the
 * audio is cut into 30 ms windows, and a window is speech when it is *periodic* (voiced speech repeats at its pitch,
 * 80–400 Hz: the normalised autocorrelation at some lag in that range is high) and not near-silent. Hysteresis: an
 * utterance starts after three periodic windows in a row (autocorrelation ≥ 0.5) and goes on while windows stay
 * above 0.3. Steady noise (fans, line hiss) is not periodic, so it is not speech however loud it is: this is a
 * different measure from the chain's deaf-stream detector (energy), so a test can see where the two disagree.
 */
export class UtteranceDetector {
  #voicedMs = 0;
  #silenceMs = 0;
  #run = 0;
  #speaking = false;
  #interims = 0;
  #sinceInterimMs = 0;
  #segmentMs = 0;
  #idleMs = 0;
  #segmentStartMs = 0;
  #pending: number[] = [];

  constructor(private readonly options: UtteranceDetectorOptions) {}

  /** Speech (ms) of the current utterance. */
  get voicedMs(): number {
    return this.#voicedMs;
  }

  /** Speech (ms) of the current utterance before its current segment started. */
  get segmentStartMs(): number {
    return this.#segmentStartMs;
  }

  /** Adds PCM16 audio; returns what it completed, in order. */
  push(pcm: Uint8Array): UtteranceEvent[] {
    const channels = this.options.channels ?? 1;
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 2));
    for (let i = 0; i + channels <= samples.length; i += channels) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += samples[i + c]!;
      this.#pending.push(sum / channels);
    }
    const sampleRate = this.options.sampleRate();
    const size = Math.round((sampleRate * WINDOW_MS) / 1000);
    const events: UtteranceEvent[] = [];
    while (this.#pending.length >= size) {
      const window = this.#pending.splice(0, size);
      const event = this.#step(periodicity(window, sampleRate));
      if (event) events.push(event);
    }
    return events;
  }

  #step(periodic: number): UtteranceEvent | undefined {
    const { afterAudioMs, endOfSpeechMs } = this.options;
    const every = this.options.interimEveryMs ?? 1_000;
    if (!this.#speaking) {
      this.#run = periodic >= 0.5 ? this.#run + 1 : 0;
      if (this.#run < 3) {
        this.#idleMs += WINDOW_MS;
        if (this.#idleMs < every) return undefined;
        this.#idleMs = 0;
        return 'idle';
      }
      this.#speaking = true;
      this.#voicedMs = 3 * WINDOW_MS;
      this.#silenceMs = 0;
      this.#idleMs = 0;
      return 'start';
    }
    if (periodic >= 0.3) {
      this.#voicedMs += WINDOW_MS;
      this.#silenceMs = 0;
    } else this.#silenceMs += WINDOW_MS;
    this.#sinceInterimMs += WINDOW_MS;
    this.#segmentMs += WINDOW_MS;
    if (this.#silenceMs >= endOfSpeechMs) {
      const heard = this.#voicedMs >= afterAudioMs;
      this.reset();
      return heard ? 'final' : undefined;
    }
    if (this.#voicedMs < afterAudioMs) return undefined;
    if (this.#segmentMs >= (this.options.segmentMs ?? Infinity) && this.#silenceMs === 0) {
      this.#segmentMs = 0;
      this.#sinceInterimMs = 0;
      this.#segmentStartMs = this.#voicedMs;
      return 'segment';
    }
    if (this.#interims === 0 || this.#sinceInterimMs >= every) {
      this.#interims++;
      this.#sinceInterimMs = 0;
      return 'interim';
    }
    return undefined;
  }

  reset(): void {
    this.#voicedMs = 0;
    this.#silenceMs = 0;
    this.#run = 0;
    this.#speaking = false;
    this.#interims = 0;
    this.#sinceInterimMs = 0;
    this.#segmentMs = 0;
    this.#segmentStartMs = 0;
  }
}

/**
 * The highest normalised autocorrelation of a window at a pitch lag (2.5–12.5 ms), 0 for a near-silent window. The
 * window is read at about 8 kHz (every n-th sample), which keeps the pitch range and costs a few µs per window.
 */
function periodicity(window: readonly number[], sampleRate: number): number {
  const step = Math.max(1, Math.round(sampleRate / 8_000));
  const x: number[] = [];
  let energy = 0;
  for (let i = 0; i < window.length; i += step) {
    x.push(window[i]!);
    energy += window[i]! * window[i]!;
  }
  if (x.length === 0 || Math.sqrt(energy / x.length) < MIN_RMS) return 0;
  const rate = sampleRate / step;
  let best = 0;
  for (let lag = Math.floor(rate / 400); lag <= Math.ceil(rate / 80) && lag < x.length / 2; lag++) {
    let product = 0;
    let a = 0;
    let b = 0;
    for (let i = lag; i < x.length; i++) {
      product += x[i]! * x[i - lag]!;
      a += x[i]! * x[i]!;
      b += x[i - lag]! * x[i - lag]!;
    }
    if (a > 0 && b > 0) best = Math.max(best, product / Math.sqrt(a * b));
  }
  return best;
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
