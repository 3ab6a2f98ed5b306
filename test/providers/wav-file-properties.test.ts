import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WAV_HEADER_BYTES, parseWav, wavHeader } from '../../src/providers/wav-file.js';
import { blockedMs } from '../helpers/blocked-ms.js';

// parseWav reads what a Piper server answers (outside input): for any bytes it returns 16-bit audio Piper could have
// written (1–2 channels, 8–48 kHz, whole frames) or throws an Error naming what is wrong, within 100 ms.

/** parseWav's answer, or the message it threw (never anything but an Error). */
function parsed(bytes: Uint8Array): ReturnType<typeof parseWav> | string {
  try {
    return parseWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
}

/** A WAV whose every header field is generated, with optional chunks before `data` and a body of any length. */
const craftedWav = fc
  .record({
    channels: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 0xffff })),
    sampleRate: fc.oneof(fc.constantFrom(0, 1, 10, 24, 25, 8_000, 22_050, 48_000, 48_001), fc.integer({ min: 0, max: 0xffffffff })),
    encoding: fc.constantFrom(1, 1, 1, 3, 0xfffe),
    bits: fc.constantFrom(16, 16, 8, 24),
    fmtSize: fc.constantFrom(16, 16, 18, 0, 4, 0xffffffff),
    extra: fc.array(fc.record({ id: fc.constantFrom('LIST', 'fact', 'junk', 'data'), size: fc.integer({ min: 0, max: 0xffffffff }) }), {
      maxLength: 3,
    }),
    dataSize: fc.integer({ min: 0, max: 0xffffffff }),
    body: fc.integer({ min: 0, max: 4_096 }),
  })
  .map(({ channels, sampleRate, encoding, bits, fmtSize, extra, dataSize, body }) => {
    const header = wavHeader(22_050, 0);
    header.writeUInt16LE(encoding, 20);
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(sampleRate, 24);
    header.writeUInt16LE(bits, 34);
    header.writeUInt32LE(fmtSize, 16);
    header.writeUInt32LE(dataSize, 40);
    const chunks = extra.map(({ id, size }) => {
      const chunk = Buffer.alloc(8 + Math.min(size, 64));
      chunk.write(id, 0);
      chunk.writeUInt32LE(size, 4);
      return chunk;
    });
    return new Uint8Array(Buffer.concat([header.subarray(0, 36), ...chunks, header.subarray(36), Buffer.alloc(body, 7)]));
  });

describe('parseWav: any bytes are audio Piper could write, or an Error', () => {
  it('property: never blocks 100 ms; what it accepts is 1–2 channels at 8–48 kHz in whole frames', () => {
    fc.assert(
      fc.property(fc.oneof(craftedWav, fc.uint8Array({ maxLength: 256 })), (bytes) => {
        let result: ReturnType<typeof parsed> | undefined;
        expect(blockedMs(() => (result = parsed(bytes)))).toBeLessThan(100);
        if (typeof result === 'string') return;
        expect(result!.channels).toBeGreaterThanOrEqual(1);
        expect(result!.channels).toBeLessThanOrEqual(2);
        expect(result!.sampleRate).toBeGreaterThanOrEqual(8_000);
        expect(result!.sampleRate).toBeLessThanOrEqual(48_000);
        expect(result!.pcm.length % (2 * result!.channels)).toBe(0);
        expect(result!.pcm.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    ['0 channels', 0, 22_050, 'expected 1 or 2 channels, got 0'],
    ['a sample rate of 24 Hz', 1, 24, 'expected a sample rate from 8000 to 48000 Hz, got 24'],
    ['65535 channels', 0xffff, 22_050, 'expected 1 or 2 channels, got 65535'],
  ])('a header with %s is an Error naming it', (_name, channels, sampleRate, message) => {
    const header = wavHeader(22_050, 100);
    header.writeUInt16LE(channels, 22);
    header.writeUInt32LE(sampleRate, 24);
    expect(parsed(new Uint8Array(Buffer.concat([header, Buffer.alloc(100)])))).toBe(message);
  });

  it('chunks before "data" are read no further than the header limit (a body of tiny chunks ends in bounded time)', () => {
    const tiny = Buffer.alloc(8);
    tiny.write('junk', 0);
    const bytes = Buffer.concat([wavHeader(22_050, 0).subarray(0, 36), ...Array.from({ length: 100_000 }, () => tiny)]);
    let result: ReturnType<typeof parsed> | undefined;
    expect(blockedMs(() => (result = parsed(new Uint8Array(bytes))))).toBeLessThan(100);
    expect(result).toBe(`expected the "data" chunk within the first ${MAX_WAV_HEADER_BYTES} bytes`);
  });
});
