import type { FailureScenario } from './scripted-failure.js';
import { sleep } from './sleep.js';

/**
 * One scripted behaviour of a mocked TTS endpoint, for one synthesis (an HTTP request, or one generation on a
 * WebSocket). Unset fields give a normal answer: `audioMs` of a 440 Hz tone at the sample rate the client asked for.
 */
export interface TTSScenario extends FailureScenario {
  /** How many syntheses this scenario answers before it is used up. @default Infinity */
  times?: number;
  /**
   * WebSocket mocks: answer the generation with the provider's own in-band error message, as each sends it:
   * Cartesia `{ type: "error", status_code, error_code, done: true }` on the open socket (the plugin swallows a 4xx),
   * ElevenLabs `{ error, message, code: 1008 }` without a context id followed by a 1008 close, Inference
   * `{ type: "error", message, code }`.
   */
  error?: boolean;
  /** HTTP-like status inside the provider's WebSocket error message (Cartesia `status_code`, Inference `code`). @default 500 (Cartesia), none (Inference) */
  errorCode?: number;
  /** Length of the synthesized audio, in ms. @default the mock's `audioMs` (200) */
  audioMs?: number;
  /** Length of each audio chunk sent, in ms. @default 50 */
  chunkMs?: number;
  /** Drop the connection after this many audio chunks (HTTP: reset the body; WebSocket: close the socket with 1011). */
  dropAfterChunks?: number;
  /** Stop sending (keep the connection open) after this many audio chunks; 0 never answers. */
  stallAfterChunks?: number;
  /** WebSocket mocks: send a frame that is not valid JSON instead of the audio. */
  malformed?: boolean;
}

/** What a client sent for one synthesis. Header names are lower-case. */
export interface TTSRequest {
  transport: 'http' | 'websocket';
  /** URL path of the request or of the WebSocket upgrade. */
  path: string;
  /** Query parameters of the request or of the upgrade URL. */
  query: Record<string, string>;
  headers: Record<string, string>;
  model: string | undefined;
  voice: string | undefined;
  language: string | undefined;
  /** Every text fragment of the synthesis, joined. */
  text: string;
  /** The sample rate the client asked for (the mock answers at that rate). */
  sampleRate: number;
  /** HTTP: the JSON body. WebSocket: every client message of this synthesis (and the session's first one). */
  body: unknown;
  at: number;
}

/** The common surface of the TTS mocks. */
export interface TTSMockBase {
  /** Every synthesis that reached the mock, in order. */
  readonly requests: TTSRequest[];
  /** Queues scenarios; the first one that is not used up answers the next synthesis. */
  use(...scenarios: TTSScenario[]): this;
  /** Forgets scenarios and recorded requests. */
  reset(): void;
}

/** `audioMs` of a 440 Hz tone as 16-bit little-endian mono PCM at `sampleRate`. */
export function tonePCM(sampleRate: number, audioMs: number): Buffer {
  const samples = Math.round((sampleRate * audioMs) / 1000);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000), i * 2);
  return pcm;
}

/** Splits PCM into chunks of `chunkMs`. */
export function chunkPCM(pcm: Buffer, sampleRate: number, chunkMs: number): Buffer[] {
  const size = Math.max(2, Math.round((sampleRate * chunkMs) / 1000) * 2);
  const chunks: Buffer[] = [];
  for (let start = 0; start < pcm.length; start += size) chunks.push(pcm.subarray(start, Math.min(start + size, pcm.length)));
  return chunks;
}

/** A word of the synthesized text and when it is spoken, in seconds from the start of the audio. */
export interface AlignedWord {
  word: string;
  start: number;
  end: number;
}

/** The words of `text` spread evenly over `audioMs` of audio: what the providers' alignment messages report. */
export function alignedWords(text: string, audioMs: number): AlignedWord[] {
  const words = text.split(/\s+/).filter(Boolean);
  const span = audioMs / 1000 / Math.max(1, words.length);
  return words.map((word, index) => ({ word, start: index * span, end: (index + 1) * span }));
}

/**
 * Plays a scenario over a WebSocket generation: waits, then sends the audio chunk by chunk with the words spoken in
 * each chunk (for the providers' alignment messages), or drops, stalls or fails as scripted, then calls `done`.
 * Returns early, without throwing, when `signal` aborts (the socket closed).
 */
export async function playScenario(
  scenario: TTSScenario,
  options: { sampleRate: number; audioMs: number; signal: AbortSignal; text?: string },
  io: {
    /** One chunk of audio, and the words that start in it (empty when none does). */
    audio(chunk: Buffer, words: AlignedWord[]): void;
    /** The provider's in-band error: message, HTTP-like status and machine-readable code. */
    error(message: string, status: number | undefined, code: string | undefined): void;
    drop(): void;
    done(): void;
    reset(): void;
    raw(text: string): void;
  },
): Promise<void> {
  try {
    if (scenario.delayMs) await sleep(scenario.delayMs, options.signal);
    if (scenario.stallAfterChunks === 0) return;
    if (scenario.reset) return io.reset();
    if (scenario.malformed) return io.raw('{"type": "chunk", "data": ');
    if (scenario.error) {
      io.error(scenario.message ?? 'mock: synthesis failed', scenario.errorCode, scenario.code);
      return;
    }
    const audioMs = scenario.audioMs ?? options.audioMs;
    const chunkMs = scenario.chunkMs ?? 50;
    const chunks = chunkPCM(tonePCM(options.sampleRate, audioMs), options.sampleRate, chunkMs);
    const words = alignedWords(options.text ?? '', audioMs);
    for (const [index, chunk] of chunks.entries()) {
      if (options.signal.aborted) return;
      if (scenario.dropAfterChunks !== undefined && index >= scenario.dropAfterChunks) return io.drop();
      if (scenario.stallAfterChunks !== undefined && index >= scenario.stallAfterChunks) return;
      const from = (index * chunkMs) / 1000;
      const to = index === chunks.length - 1 ? Infinity : ((index + 1) * chunkMs) / 1000;
      io.audio(
        chunk,
        words.filter((word) => word.start >= from && word.start < to),
      );
      // Yield between chunks so the client reads them as a stream.
      await sleep(0, options.signal);
    }
    io.done();
  } catch {
    // the socket closed while we waited: nothing left to send
  }
}

/** An HTTP audio body that follows the scenario: chunked PCM, dropped or stalled as scripted. */
export function audioStream(scenario: TTSScenario, sampleRate: number, audioMs: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const chunks = chunkPCM(tonePCM(sampleRate, scenario.audioMs ?? audioMs), sampleRate, scenario.chunkMs ?? 50);
  // The client's abort reaches a mocked body as `cancel()` (the request's signal may never fire): stop waiting then.
  const cancelled = new AbortController();
  signal.addEventListener('abort', () => cancelled.abort(), { once: true });
  return new ReadableStream({
    async start(controller) {
      for (const [index, chunk] of chunks.entries()) {
        if (scenario.dropAfterChunks !== undefined && index >= scenario.dropAfterChunks) {
          controller.error(new TypeError('mock: connection reset'));
          return;
        }
        if (scenario.stallAfterChunks !== undefined && index >= scenario.stallAfterChunks) {
          await sleep(Infinity, cancelled.signal).catch(() => undefined);
          try {
            controller.close();
          } catch {
            // already cancelled
          }
          return;
        }
        controller.enqueue(new Uint8Array(chunk));
      }
      controller.close();
    },
    cancel() {
      cancelled.abort();
    },
  });
}
