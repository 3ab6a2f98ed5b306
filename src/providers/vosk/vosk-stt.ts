import { type APIConnectOptions, normalizeLanguage, stt } from '@livekit/agents';
import { type AudioFrame, AudioResampler } from '@livekit/rtc-node';
import type { z } from 'zod';
import { connectVosk, type VoskSession } from './vosk-session.js';
import type { VoskFrame, VoskWord } from './vosk-frame.js';
import type { voskSTTOptions } from './vosk-stt-options.js';

type VoskOptions = z.output<typeof voskSTTOptions>;
type AudioBuffer = Parameters<stt.STT['recognize']>[0];

/**
 * Audio sent per message: vosk-server answers every message, so 100 ms chunks keep its answers to 10 a second, and
 * every message stays far below the Python server's 1 MiB limit (100 ms at 48 kHz is 9.6 KB).
 */
const CHUNK_MS = 100;

/**
 * Vosk as a LiveKit streaming STT, over vosk-server's WebSocket protocol (see {@link connectVosk}): binary PCM16
 * chunks, each answered with a partial (an interim transcript) or, at the end of an utterance, a result (a final
 * transcript, then end of speech), and `{"eof" : 1}` at the end of the input, answered with the last result.
 * Failures are LiveKit `APIError`s, so the chain classifies them.
 */
export class VoskSTT extends stt.STT {
  readonly label = 'livekit-voice-stack.VoskSTT';
  readonly #options: VoskOptions;

  constructor(options: VoskOptions) {
    super({ streaming: true, interimResults: true, alignedTranscript: false });
    this.#options = options;
  }

  override get model(): string {
    return this.#options.model;
  }

  override get provider(): string {
    return 'vosk';
  }

  /** One connection for the whole buffer, sent in chunks as the frames come: the results of every utterance, joined. */
  protected async _recognize(buffer: AudioBuffer, abortSignal?: AbortSignal): Promise<stt.SpeechEvent> {
    const texts = await transcribeWithVosk(this.#options, Array.isArray(buffer) ? buffer : [buffer], abortSignal);
    return {
      type: stt.SpeechEventType.FINAL_TRANSCRIPT,
      alternatives: [
        { language: normalizeLanguage(this.#options.language), text: texts.join(' '), startTime: 0, endTime: 0, confidence: 1 },
      ],
    };
  }

  stream(options?: { connOptions?: APIConnectOptions }): stt.SpeechStream {
    return new VoskSpeechStream(this, this.#options, options?.connOptions);
  }
}

/**
 * Recognises `frames` on one connection and returns the text of every result. The Python server is told the frames'
 * rate; the C++ server decodes at its own, so the audio is resampled to `sampleRate` for it. (The health probe
 * passes no frames: a server that answers the end of an empty stream has a model loaded.)
 */
export async function transcribeWithVosk(options: VoskOptions, frames: readonly AudioFrame[], signal?: AbortSignal): Promise<string[]> {
  const rate = options.server === 'cpp' ? options.sampleRate : (frames[0]?.sampleRate ?? options.sampleRate);
  const texts: string[] = [];
  const session = await connectVosk(
    options,
    rate,
    (frame) => {
      if (frame.kind === 'result' && frame.text) texts.push(frame.text);
    },
    signal,
  );
  const chunks = new PcmChunker(rate);
  const resamplers = new Map<number, AudioResampler>();
  try {
    for (const frame of frames) {
      if (session.failed) break;
      for (const pcm of chunks.push(...pcmAt(frame, rate, resamplers))) session.sendAudio(pcm);
    }
    for (const resampler of resamplers.values()) for (const pcm of chunks.push(...resampler.flush().map(pcmOf))) session.sendAudio(pcm);
    for (const pcm of chunks.flush()) session.sendAudio(pcm);
    session.end();
    await session.done;
  } finally {
    for (const resampler of resamplers.values()) resampler.close();
    session.close();
  }
  return texts;
}

class VoskSpeechStream extends stt.SpeechStream {
  readonly label = 'livekit-voice-stack.VoskSpeechStream';
  readonly #options: VoskOptions;
  #speaking = false;
  #lastPartial = '';
  #unreportedBytes = 0;

  constructor(owner: VoskSTT, options: VoskOptions, connOptions?: APIConnectOptions) {
    // The stream resamples the session's audio to this rate (the one the Python server is told, the C++ server's own).
    super(owner, options.sampleRate, connOptions);
    this.#options = options;
  }

  protected async run(): Promise<void> {
    const session = await connectVosk(this.#options, this.#options.sampleRate, (frame) => this.#onFrame(frame), this.abortSignal);
    const closeOnAbort = () => session.close();
    this.abortSignal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      // A socket that fails while the caller is silent ends the wait for audio at once.
      await Promise.all([this.#send(session), session.done]);
    } finally {
      this.abortSignal.removeEventListener('abort', closeOnAbort);
      session.close();
    }
  }

  /** Sends the audio in {@link CHUNK_MS} chunks until the input ends, then the end-of-stream message. */
  async #send(session: VoskSession): Promise<void> {
    const chunks = new PcmChunker(this.#options.sampleRate);
    const stopped = session.done.then(
      () => 'stopped' as const,
      () => 'stopped' as const,
    );
    const send = (pcms: Buffer[]) => {
      for (const pcm of pcms) {
        this.#unreportedBytes += pcm.length;
        session.sendAudio(pcm);
      }
    };
    while (!this.abortSignal.aborted) {
      const next = await Promise.race([this.input.next(), stopped]);
      if (next === 'stopped' || this.abortSignal.aborted) return;
      if (next.done) break;
      send(next.value === VoskSpeechStream.FLUSH_SENTINEL ? chunks.flush() : chunks.push(pcmOf(next.value)));
    }
    if (this.abortSignal.aborted || session.failed) return;
    send(chunks.flush());
    session.end();
  }

  #onFrame(frame: VoskFrame): void {
    if (frame.kind === 'partial') {
      if (!frame.text || frame.text === this.#lastPartial) return;
      this.#lastPartial = frame.text;
      this.#startSpeech();
      this.#put({ type: stt.SpeechEventType.INTERIM_TRANSCRIPT, alternatives: [this.#speechData(frame.text)] });
      return;
    }
    this.#lastPartial = '';
    if (frame.text) {
      this.#startSpeech();
      this.#put({ type: stt.SpeechEventType.FINAL_TRANSCRIPT, alternatives: [this.#speechData(frame.text, frame.words)] });
    }
    if (this.#speaking) {
      this.#speaking = false;
      this.#put({ type: stt.SpeechEventType.END_OF_SPEECH });
    }
    if (this.#unreportedBytes > 0) {
      this.#put({
        type: stt.SpeechEventType.RECOGNITION_USAGE,
        recognitionUsage: { audioDuration: this.#unreportedBytes / 2 / this.#options.sampleRate },
      });
      this.#unreportedBytes = 0;
    }
  }

  #startSpeech(): void {
    if (this.#speaking) return;
    this.#speaking = true;
    this.#put({ type: stt.SpeechEventType.START_OF_SPEECH });
  }

  /** A transcript; its confidence is the words' mean `conf` when the server sent them (the alternatives format does not). */
  #speechData(text: string, words: VoskWord[] = []): stt.SpeechData {
    const confidences = words.flatMap((word) => (word.conf === undefined ? [] : [word.conf]));
    const confidence = confidences.length ? confidences.reduce((total, conf) => total + conf, 0) / confidences.length : 1;
    return {
      language: normalizeLanguage(this.#options.language),
      text,
      startTime: this.startTimeOffset + (words[0]?.start ?? 0),
      endTime: this.startTimeOffset + (words.at(-1)?.end ?? 0),
      confidence,
    };
  }

  #put(event: stt.SpeechEvent): void {
    if (!this.queue.closed) this.queue.put(event);
  }
}

/** A frame's samples as bytes (a view, no copy). */
function pcmOf(frame: AudioFrame): Buffer {
  return Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
}

/** A frame's samples at `rate` (resampled through one resampler per source rate, kept across frames). */
function pcmAt(frame: AudioFrame, rate: number, resamplers: Map<number, AudioResampler>): Buffer[] {
  if (frame.sampleRate === rate) return [pcmOf(frame)];
  let resampler = resamplers.get(frame.sampleRate);
  if (!resampler) resamplers.set(frame.sampleRate, (resampler = new AudioResampler(frame.sampleRate, rate, frame.channels)));
  return resampler.push(frame).map(pcmOf);
}

/**
 * Cuts PCM16 into {@link CHUNK_MS} messages. It keeps less than one chunk, so the work is linear in the audio (LiveKit's
 * `mergeFrames` and `AudioByteStream` copy what they hold on every frame: quadratic for a long buffer).
 */
class PcmChunker {
  readonly #chunkBytes: number;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(sampleRate: number) {
    this.#chunkBytes = Math.max(2, Math.round((sampleRate * CHUNK_MS) / 1000) * 2);
  }

  /** Adds audio; returns the whole chunks it completed. */
  push(...pcms: Buffer[]): Buffer[] {
    for (const pcm of pcms) {
      this.#parts.push(pcm);
      this.#size += pcm.length;
    }
    if (this.#size < this.#chunkBytes) return [];
    const all = Buffer.concat(this.#parts, this.#size);
    const whole = Math.floor(all.length / this.#chunkBytes) * this.#chunkBytes;
    const chunks: Buffer[] = [];
    for (let start = 0; start < whole; start += this.#chunkBytes) chunks.push(all.subarray(start, start + this.#chunkBytes));
    const rest = all.subarray(whole);
    this.#parts = rest.length ? [rest] : [];
    this.#size = rest.length;
    return chunks;
  }

  /** What is left, in whole samples. */
  flush(): Buffer[] {
    const rest = Buffer.concat(this.#parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    const whole = rest.subarray(0, rest.length - (rest.length % 2));
    return whole.length ? [whole] : [];
  }
}
