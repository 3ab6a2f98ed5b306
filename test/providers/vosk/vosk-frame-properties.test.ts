import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVoskFrame } from '../../../src/providers/vosk/vosk-frame.js';
import { MAX_FRAME_BYTES } from '../../../src/providers/vosk/vosk-session.js';
import { blockedMs } from '../../helpers/blocked-ms.js';

// parseVoskFrame reads what a vosk-server sends (outside input), in the socket's message listener: for any string it
// returns a frame or an Error, never throws, and never holds the event loop 100 ms (a frame is at most 256 KiB: the
// client's maxPayload refuses larger ones before they are read).

const word = fc.record(
  { word: fc.oneof(fc.string(), fc.constant(null)), start: fc.oneof(fc.double(), fc.string()), end: fc.double(), conf: fc.double() },
  { requiredKeys: [] },
);
/** Frames shaped like vosk-server's, with every field of any type. */
const voskShaped = fc
  .record(
    {
      partial: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      result: fc.oneof(fc.array(fc.oneof(word, fc.constant(null))), fc.object(), fc.constant(null)),
      alternatives: fc.oneof(fc.array(fc.record({ text: fc.anything(), result: fc.anything(), confidence: fc.anything() })), fc.anything()),
      spk: fc.array(fc.double()),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));

describe('parseVoskFrame: any string is a frame or an Error', () => {
  it('property: never throws, never blocks 100 ms; a frame it accepts has string text and numeric timings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), voskShaped, fc.string({ unit: 'binary' })), (data) => {
        let frame: ReturnType<typeof parseVoskFrame> | undefined;
        expect(blockedMs(() => (frame = parseVoskFrame(data)))).toBeLessThan(100);
        if (frame instanceof Error) {
          expect(frame.message).toMatch(/^it sent a frame that is not a vosk-server result: /);
          return;
        }
        expect(typeof frame!.text).toBe('string');
        if (frame!.kind === 'result') {
          for (const { start, end } of frame!.words) {
            expect(['number', 'undefined']).toContain(typeof start);
            expect(['number', 'undefined']).toContain(typeof end);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['null', 'null'],
    ['a result that is an object', '{"text": "hi", "result": {"word": "hi"}}'],
    ['a result word that is null', '{"text": "hi", "result": [null]}'],
    ['an alternative that is null', '{"alternatives": [null]}'],
    ['an array', '[{"text": "hi"}]'],
  ])('%s is an Error', (_name, data) => {
    expect(parseVoskFrame(data)).toBeInstanceOf(Error);
  });

  it('the largest frames the client reads (256 KiB: nested brackets, a long partial, thousands of words) take under 100 ms', () => {
    // 128 Ki nested brackets held JSON.parse for about half a second: refused before parsing
    const nested = `{"partial": ${'['.repeat(128 * 1024)}${']'.repeat(128 * 1024)}}`;
    const long = `{"partial": "${'a'.repeat(MAX_FRAME_BYTES - 20)}"}`;
    const word = (i: number) => ({ conf: 1, end: i + 0.5, start: i, word: 'hello' });
    const words = JSON.stringify({ result: Array.from({ length: 2_500 }, (_, i) => word(i)), text: 'hello' }, null, 2);
    expect(words.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(blockedMs(() => expect(parseVoskFrame(nested)).toBeInstanceOf(Error))).toBeLessThan(100);
    expect(blockedMs(() => expect(parseVoskFrame(long)).toMatchObject({ kind: 'partial' }))).toBeLessThan(100);
    expect(blockedMs(() => expect(parseVoskFrame(words)).toMatchObject({ kind: 'result' }))).toBeLessThan(100);
  });

  it('the alternatives format gives the best alternative with its word timings; unknown fields are ignored', () => {
    const frame = parseVoskFrame(
      '{"alternatives": [{"confidence": 228.5, "result": [{"word": "hi", "start": 0.1, "end": 0.4}], "text": "hi"}, {"text": "high"}], "spk": [0.1]}',
    );
    expect(frame).toEqual({ kind: 'result', text: 'hi', words: [{ word: 'hi', start: 0.1, end: 0.4 }] });
  });
});
