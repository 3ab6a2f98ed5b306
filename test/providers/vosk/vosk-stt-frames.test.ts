import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FallbackEvent, VoiceStack } from '../../../src/index.js';
import { mockDeepgramSTT, speechLikeFrames, type MockDeepgramSTT } from '../../../src/testing/index.js';
import { startWsMockServer, type WsMockServer } from '../../../src/testing/ws-mock-server.js';
import { withStack } from '../../helpers/with-stack.js';
import { listen, providerSTT } from '../../helpers/listen.js';
import { uncaughtDuring } from '../../helpers/uncaught-during.js';

// A vosk-server is a network peer: whatever it sends becomes that option's error, never a throw in the socket's
// listener (which ends the process).

/** A vosk-server that answers every message after the config with the next of `frames` (the last one repeated). */
async function hostileVosk(frames: () => string[]): Promise<WsMockServer> {
  return startWsMockServer({
    onConnection({ socket }) {
      const answers = frames();
      let next = 0;
      socket.on('message', (data, isBinary) => {
        if (!isBinary && String(data).includes('config')) return;
        socket.send(answers[Math.min(next++, answers.length - 1)]!);
      });
    },
  });
}

const MALFORMED: Record<string, string> = {
  null: 'null',
  'a result that is an object': '{"text": "hi", "result": {"word": "hi"}}',
  'a result word that is null': '{"text": "hi", "result": [null]}',
  'a number': '42',
  'a partial that is a number': '{"partial": 7}',
  'alternatives that are empty': '{"alternatives": []}',
  'an alternative that is null': '{"alternatives": [null]}',
  'a word timing that is a string': '{"text": "hi", "result": [{"word": "hi", "start": "0.1", "end": 0.5}]}',
};

let deepgram: MockDeepgramSTT;
beforeAll(async () => {
  deepgram = await mockDeepgramSTT({ transcript: 'Hello, Deepgram.' });
});
afterAll(() => deepgram.close());

const stackWith = <T>(slot: unknown, run: (stack: VoiceStack) => Promise<T>) =>
  withStack({ stt: slot as never, retry: { initialDelayMs: 10 } }, { env: { DEEPGRAM_API_KEY: 'dg-key' } }, run);

describe('vosk STT: frames from the server are outside input', () => {
  it.each(Object.entries(MALFORMED))('a frame that is %s fails the option, and the chain falls back', async (_name, frame) => {
    const server = await hostileVosk(() => [frame]);
    try {
      const fallbacks: FallbackEvent[] = [];
      const { value: heard, uncaught } = await uncaughtDuring(() =>
        stackWith(
          [
            { provider: 'vosk', baseURL: server.wsURL },
            { provider: 'deepgram', baseURL: deepgram.baseURL },
          ],
          (stack) => {
            stack.on('fallback', (event) => fallbacks.push(event));
            return listen(stack.stt!);
          },
        ),
      );
      expect(uncaught).toEqual([]);
      expect(heard?.final).toBe('Hello, Deepgram.');
      expect(fallbacks[0]?.error.message).toContain(
        `Failed to recognise with Vosk at ${server.wsURL}: it sent a frame that is not a vosk-server result`,
      );
    } finally {
      await server.close();
    }
  });

  it('recognize() against a frame that is null rejects with the option error', async () => {
    const server = await hostileVosk(() => ['null']);
    try {
      const { uncaught } = await uncaughtDuring(async () => {
        const recognized = stackWith({ provider: 'vosk', baseURL: server.wsURL }, (stack) =>
          providerSTT(stack).recognize(speechLikeFrames()),
        );
        await expect(recognized).rejects.toThrow('it sent a frame that is not a vosk-server result: null');
      });
      expect(uncaught).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a frame over 256 KiB is refused by the client (1009) before it is read into memory as a string', async () => {
    const server = await hostileVosk(() => [`{"partial": "${'a'.repeat(4 * 1024 * 1024)}"}`]);
    try {
      const recognized = stackWith({ provider: 'vosk', baseURL: server.wsURL }, (stack) =>
        providerSTT(stack).recognize(speechLikeFrames()),
      );
      await expect(recognized).rejects.toThrow(
        `Failed to recognise with Vosk at ${server.wsURL}: it sent a frame over 262144 bytes (closed with 1009)`,
      );
    } finally {
      await server.close();
    }
  });

  it('property: no sequence of generated frames escapes as an exception from recognize() or the socket', async () => {
    const word = fc.record(
      { word: fc.oneof(fc.string(), fc.constant(null)), start: fc.oneof(fc.double(), fc.string()), end: fc.double(), conf: fc.double() },
      { requiredKeys: [] },
    );
    const frame = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .record(
          {
            partial: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
            result: fc.oneof(fc.array(fc.oneof(word, fc.constant(null))), fc.object(), fc.constant(null)),
            alternatives: fc.oneof(
              fc.array(fc.record({ text: fc.anything(), result: fc.anything(), confidence: fc.anything() })),
              fc.anything(),
            ),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    );
    let current: string[] = [];
    const server = await hostileVosk(() => current);
    try {
      await withStack({ stt: { provider: 'vosk', baseURL: server.wsURL } }, { env: {} }, async (stack) => {
        await fc.assert(
          fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
            current = frames;
            const { value, uncaught } = await uncaughtDuring(() =>
              providerSTT(stack).recognize(speechLikeFrames({ speechMs: 200, trailingSilenceMs: 0 }), AbortSignal.timeout(5_000)),
            );
            expect(uncaught).toEqual([]);
            // whatever the frames, the answer is a transcript (a string) or an error (value undefined)
            if (value) expect(typeof value.alternatives?.[0]?.text).toBe('string');
          }),
          { numRuns: 40 },
        );
      });
    } finally {
      await server.close();
    }
  });
});
