import { type APIConnectOptions, APIConnectionError, APIError, APIStatusError, APITimeoutError, shortuuid, tts } from '@livekit/agents';
import { AudioFrame } from '@livekit/rtc-node';
import type { z } from 'zod';
import { VoiceStackError } from '../../errors/index.js';
import { PcmResampler } from '../pcm-resampler.js';
import { describeFetchError, providerMessage } from '../probe-http.js';
import { readText } from '../../config/read-text.js';
import { MAX_WAV_HEADER_BYTES, parseWav, readWavHeader, type WavAudio } from '../wav-file.js';
import type { piperTTSOptions } from './piper-tts-options.js';

type PiperOptions = z.output<typeof piperTTSOptions>;

/** Length of each audio frame handed to the session, in ms. */
const FRAME_MS = 20;
/** An error page is read this far: Flask's is a few hundred bytes, and the message is cut to one line anyway. */
export const ERROR_BODY_BYTES = 4_096;

/** What to try when the server does not know the request's path or method: its API is another version's. */
const API_HINT: Record<PiperOptions['api'], string> = {
  synthesize: 'set api "json" (piper-tts 1.3–1.4) or "text" (1.2 and earlier)',
  json: 'set api "synthesize" (piper-tts 1.5+) or "text" (1.2 and earlier)',
  text: 'set api "synthesize" (piper-tts 1.5+) or "json" (1.3–1.4)',
};

/**
 * Piper's HTTP server as a LiveKit one-shot TTS: one request per sentence (the stack's sentence tokenizer makes it
 * live), answered with a whole WAV file, whose header gives the voice's sample rate. Failures are LiveKit `APIError`s
 * with the server's status, so the stack's chain classifies them like any provider's.
 */
export class PiperTTS extends tts.TTS {
  readonly label = 'livekit-voice-stack.PiperTTS';
  readonly #options: PiperOptions;
  readonly #fetch: typeof fetch;
  readonly #closed = new AbortController();

  constructor(options: PiperOptions, fetchImpl: typeof fetch = fetch) {
    super(options.sampleRate, 1, { streaming: false });
    this.#options = options;
    this.#fetch = fetchImpl;
  }

  override get model(): string {
    return this.#options.voice ?? 'default';
  }

  override get provider(): string {
    return 'piper';
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    const signal = abortSignal ? AbortSignal.any([abortSignal, this.#closed.signal]) : this.#closed.signal;
    return new PiperChunkedStream(
      this,
      text,
      (stream) => synthesizeWithPiper(this.#options, text, this.#fetch, stream.abortSignal),
      connOptions,
      signal,
    );
  }

  stream(): tts.SynthesizeStream {
    throw new VoiceStackError(
      'INVALID_USE',
      'Failed to stream from Piper: its HTTP server answers one WAV per request. Fix: wrap it with tts.StreamAdapter.',
    );
  }

  override async close(): Promise<void> {
    this.#closed.abort();
  }
}

/**
 * One synthesis by Piper's HTTP server, in the request format of its `api`: the WAV's audio, or an `APIError` that
 * says what the server answered (and, for a path or method it does not know, which `api` to set).
 */
export async function synthesizeWithPiper(
  options: PiperOptions,
  text: string,
  fetchImpl: typeof fetch,
  signal: AbortSignal,
): Promise<WavAudio> {
  const { baseURL, api, voice, speakerId, lengthScale, timeoutMs, maxAudioMs } = options;
  const base = baseURL.replace(/\/+$/, '');
  const url = api === 'synthesize' ? `${base}/synthesize` : `${base}/`;
  const body =
    api === 'text'
      ? text
      : JSON.stringify({
          text,
          ...(voice !== undefined && { voice }),
          ...(speakerId !== undefined && { speaker_id: speakerId }),
          ...(lengthScale !== undefined && { length_scale: lengthScale }),
        });
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': api === 'text' ? 'text/plain; charset=utf-8' : 'application/json' },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    throw requestError(error, base, signal, timeoutMs);
  }
  if (!response.ok) {
    // An unknown path or method: the server speaks another version's API (Flask's page says nothing more).
    const wrongAPI = response.status === 404 || response.status === 405;
    const said = wrongAPI ? '' : serverWords(await readText(response, ERROR_BODY_BYTES));
    if (wrongAPI) await response.body?.cancel().catch(() => undefined);
    throw new APIStatusError({
      message: `Failed to synthesize with Piper at ${base}: HTTP ${response.status}${said ? ` (${said})` : ''}${wrongAPI ? `. Fix: ${API_HINT[api]}` : ''}`,
      options: { statusCode: response.status, body: null },
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readWavBody(response, maxAudioMs);
  } catch (error) {
    if (error instanceof WavBodyError) throw answerError(base, api, error.message);
    throw requestError(error, base, signal, timeoutMs);
  }
  try {
    return parseWav(bytes);
  } catch (error) {
    throw answerError(base, api, (error as Error).message);
  }
}

/** An answer that is not a WAV Piper would write: not retried (Flask answers the web page as HTML when the path serves it). */
function answerError(base: string, api: PiperOptions['api'], reason: string): APIError {
  return new APIError(`Failed to synthesize with Piper at ${base}: ${reason}. Fix: check that it is a Piper server; ${API_HINT[api]}`, {
    body: null,
    retryable: false,
  });
}

/** What is wrong with the bytes of a WAV body (as opposed to the connection that carries them). */
class WavBodyError extends Error {}

/**
 * Reads a WAV body as it arrives, no further than `maxAudioMs` of audio at the rate and channels its header declares
 * (outside input: the header is checked first, and a body that goes on is cancelled at the limit).
 */
async function readWavBody(response: Response, maxAudioMs: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  let limit = MAX_WAV_HEADER_BYTES + 12;
  let headerRead = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.length;
      if (!headerRead) {
        const head = concat(parts, size);
        let layout: ReturnType<typeof readWavHeader>;
        try {
          layout = readWavHeader(head);
        } catch (error) {
          throw new WavBodyError((error as Error).message);
        }
        if (layout) {
          headerRead = true;
          limit = layout.dataOffset + Math.ceil((maxAudioMs / 1000) * layout.sampleRate) * layout.channels * 2;
        }
      }
      if (size > limit) {
        throw new WavBodyError(
          headerRead
            ? `it answered more than ${maxAudioMs} ms of audio for one sentence (raise maxAudioMs if that is expected)`
            : `expected a "data" chunk in the WAV file within the first ${limit} bytes`,
        );
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  return concat(parts, size);
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  parts.splice(0, parts.length, all);
  return all;
}

/** The words of an error body: the paragraph of Flask's HTML error page, else the body itself. */
function serverWords(body: string): string {
  const paragraph = /<p>([\s\S]*?)<\/p>/i.exec(body)?.[1];
  return providerMessage(paragraph ?? body.replace(/<[^>]*>/g, ' '));
}

function requestError(error: unknown, base: string, signal: AbortSignal, timeoutMs: number): Error {
  const name = (error as { name?: string })?.name;
  if (!signal.aborted && (name === 'TimeoutError' || name === 'AbortError')) {
    return new APITimeoutError({ message: `Failed to synthesize with Piper at ${base}: no answer within ${timeoutMs} ms` });
  }
  const reason = describeFetchError(error);
  // The cause keeps the network code (ECONNREFUSED …) for the chain's classification.
  return Object.assign(
    new APIConnectionError({
      message: `Failed to reach Piper at ${base}: ${reason}. Fix: start it with \`python3 -m piper.http_server -m <voice>\` or set baseURL.`,
    }),
    { cause: error },
  );
}

class PiperChunkedStream extends tts.ChunkedStream {
  readonly label = 'livekit-voice-stack.PiperChunkedStream';
  readonly #tts: PiperTTS;
  readonly #request: (stream: PiperChunkedStream) => Promise<WavAudio>;

  constructor(
    piper: PiperTTS,
    text: string,
    request: (stream: PiperChunkedStream) => Promise<WavAudio>,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, piper, connOptions, abortSignal);
    this.#tts = piper;
    this.#request = request;
  }

  protected async run(): Promise<void> {
    try {
      const wav = await this.#request(this);
      const requestId = shortuuid();
      const frames = toFrames(wav, this.#tts.sampleRate);
      frames.forEach((frame, index) => this.queue.put({ requestId, segmentId: requestId, frame, final: index === frames.length - 1 }));
    } catch (error) {
      if (this.abortSignal.aborted) return;
      throw error;
    } finally {
      this.queue.close();
    }
  }
}

/** The WAV's samples as frames of {@link FRAME_MS} at `sampleRate`, resampled when the voice speaks at another rate. */
function toFrames(wav: WavAudio, sampleRate: number): AudioFrame[] {
  const samples = new Int16Array(wav.pcm.buffer.slice(wav.pcm.byteOffset, wav.pcm.byteOffset + wav.pcm.byteLength));
  const perFrame = Math.round((wav.sampleRate * FRAME_MS) / 1000) * wav.channels;
  const frames: AudioFrame[] = [];
  for (let start = 0; start < samples.length; start += perFrame) {
    const data = samples.slice(start, Math.min(start + perFrame, samples.length));
    frames.push(new AudioFrame(data, wav.sampleRate, wav.channels, data.length / wav.channels));
  }
  if (wav.sampleRate === sampleRate) return frames;
  const resampler = new PcmResampler(wav.sampleRate, sampleRate, wav.channels);
  try {
    return [...frames.flatMap((frame) => resampler.push(frame)), ...resampler.flush()];
  } finally {
    resampler.close();
  }
}
