// Reading and writing 16-bit PCM WAV files (Piper answers them; transcription probes send them).

/** The PCM audio of a WAV file. */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** 16-bit little-endian samples, interleaved. */
  pcm: Uint8Array;
}

/**
 * Reads a 16-bit PCM WAV file (what Python's `wave` module writes, as Piper's server does): the `fmt ` chunk gives the
 * sample rate and channels, the `data` chunk the samples. Other chunks are skipped.
 * @throws {Error} naming what is wrong when the bytes are not a 16-bit PCM WAV.
 */
export function parseWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    const start = new TextDecoder().decode(bytes.subarray(0, 40)).replace(/\s+/g, ' ').trim();
    throw new Error(`expected a WAV file, got ${bytes.length} bytes starting with "${start}"`);
  }
  let format: { sampleRate: number; channels: number } | undefined;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const encoding = view.getUint16(body, true);
      const bits = view.getUint16(body + 14, true);
      if (encoding !== 1 || bits !== 16) throw new Error(`expected 16-bit PCM audio, got format ${encoding} with ${bits} bits per sample`);
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true) };
    } else if (id === 'data') {
      if (!format) throw new Error('expected a "fmt " chunk before the "data" chunk');
      // A streamed WAV may declare a size larger than what arrived: take what is there, in whole samples.
      const end = Math.min(body + size, bytes.length);
      return { ...format, pcm: bytes.subarray(body, body + Math.floor((end - body) / 2) * 2) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('expected a "data" chunk in the WAV file');
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
