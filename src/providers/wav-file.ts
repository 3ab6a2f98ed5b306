// Reading and writing 16-bit PCM WAV files (Piper answers them; transcription probes send them).

/** The PCM audio of a WAV file. */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** 16-bit little-endian samples, interleaved. */
  pcm: Uint8Array;
}

/** Where the samples of a WAV file start, and their format. */
export interface WavLayout {
  sampleRate: number;
  channels: number;
  /** Offset of the first sample. */
  dataOffset: number;
  /** Size of the samples, as the `data` chunk declares it (a streamed WAV may declare more than it holds). */
  dataBytes: number;
}

/** The chunks before `data` may take this much (Python's `wave` writes 36 bytes: `RIFF`, `WAVE` and `fmt `). */
export const MAX_WAV_HEADER_BYTES = 65_536;
/** The rates and channels accepted: Piper's voices speak mono at 16000 or 22050 Hz; anything else is checked, not trusted. */
const RATES = { min: 8_000, max: 48_000 };
const MAX_CHANNELS = 2;

/**
 * Reads the header of a 16-bit PCM WAV file (outside input: any bytes): the `fmt ` chunk gives the sample rate and
 * channels, the `data` chunk where the samples start; other chunks are skipped. `undefined` while `bytes` (the start
 * of a body still arriving) end before the samples start.
 * @throws {Error} naming what is wrong when the bytes are not a 16-bit PCM WAV of 1–2 channels at 8–48 kHz.
 */
export function readWavHeader(bytes: Uint8Array): WavLayout | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12) return undefined;
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    const start = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ').trim();
    throw new Error(`expected a WAV file, got ${bytes.length} bytes starting with "${start}"`);
  }
  let format: { sampleRate: number; channels: number } | undefined;
  // Each chunk moves the offset on by at least 8 bytes, and the header is bounded: this loop ends.
  for (let offset = 12; offset + 8 <= bytes.length;) {
    if (offset > MAX_WAV_HEADER_BYTES) throw new Error(`expected the "data" chunk within the first ${MAX_WAV_HEADER_BYTES} bytes`);
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new Error(`expected a "fmt " chunk of 16 bytes or more, got ${size}`);
      if (body + 16 > bytes.length) return undefined;
      const encoding = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      if (encoding !== 1 || bits !== 16) throw new Error(`expected 16-bit PCM audio, got format ${encoding} with ${bits} bits per sample`);
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
      if (format.channels < 1 || format.channels > MAX_CHANNELS) throw new Error(`expected 1 or 2 channels, got ${format.channels}`);
      if (format.sampleRate < RATES.min || format.sampleRate > RATES.max) {
        throw new Error(`expected a sample rate from ${RATES.min} to ${RATES.max} Hz, got ${format.sampleRate}`);
      }
    } else if (id === 'data') {
      if (!format) throw new Error('expected a "fmt " chunk before the "data" chunk');
      return { ...format, dataOffset: body, dataBytes: size };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/**
 * Reads a 16-bit PCM WAV file (what Python's `wave` module writes, as Piper's server does), header checked as
 * {@link readWavHeader} does. A streamed WAV may declare a `data` size larger than what arrived: the samples are what
 * is there, in whole frames.
 * @throws {Error} naming what is wrong when the bytes are not such a WAV.
 */
export function parseWav(bytes: Uint8Array): WavAudio {
  const layout = readWavHeader(bytes);
  if (!layout) throw new Error(`expected a "data" chunk in the WAV file (it ends after ${bytes.length} bytes)`);
  const { sampleRate, channels, dataOffset, dataBytes } = layout;
  const frameBytes = 2 * channels;
  const available = Math.min(dataBytes, bytes.length - dataOffset);
  const end = dataOffset + Math.floor(available / frameBytes) * frameBytes;
  return { sampleRate, channels, pcm: bytes.subarray(dataOffset, end) };
}

/** The 44-byte header of a 16-bit PCM WAV file holding `dataBytes` of samples. */
export function wavHeader(sampleRate: number, dataBytes: number, channels = 1): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2 * channels, 28);
  header.writeUInt16LE(2 * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
