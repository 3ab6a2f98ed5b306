import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { FallbackEvent } from '../../../src/index.js';
import { wavHeader } from '../../../src/providers/wav-file.js';
import { mockOpenAISpeechEndpoint } from '../../../src/testing/index.js';
import { withStack } from '../../helpers/with-stack.js';
import { useMswServer } from '../../helpers/msw.js';
import { speak } from '../../helpers/speak.js';

// A Piper server is a network peer: its WAV header, its body and its error pages are outside input. Each becomes
// that option's error, in bounded time and memory.

const BASE = 'http://piper-hostile.internal:5000';
const kokoro = mockOpenAISpeechEndpoint({ baseURL: 'http://kokoro.internal:8880/v1' });
const server = useMswServer(...kokoro.handlers);

/** Piper answers `/synthesize` with `body` (a WAV by default content type, as Flask sends it). */
function piperAnswers(body: BodyInit, init: ResponseInit = {}) {
  server.use(
    http.post(`${BASE}/synthesize`, () => new HttpResponse(body, { headers: { 'content-type': 'text/html; charset=utf-8' }, ...init })),
  );
}

/** A WAV header whose `fmt ` chunk says `channels` and `sampleRate`, then `dataBytes` of silence. */
function wav(sampleRate: number, channels: number, dataBytes = 8_820): ArrayBuffer {
  const header = wavHeader(22_050, dataBytes);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  return new Uint8Array(Buffer.concat([header, Buffer.alloc(dataBytes)])).buffer;
}

/**
 * Speaks "Hi." through a chain of this Piper and a second TTS: the error Piper's option failed with (the chain fell
 * back), or `undefined` when Piper spoke.
 */
async function synthesisError(entry: Record<string, unknown> = {}): Promise<string | undefined> {
  const chain = [
    { provider: 'piper', baseURL: BASE, ...entry },
    { provider: 'openai-compatible', baseURL: kokoro.baseURL, model: 'kokoro', voice: 'af_bella' },
  ];
  return withStack({ tts: chain as never, retry: { initialDelayMs: 10 } }, { env: {} }, async (stack) => {
    const fallbacks: FallbackEvent[] = [];
    stack.on('fallback', (event) => fallbacks.push(event));
    const audio = await speak(stack.tts!, 'Hi.');
    expect(audio.samples).toBeGreaterThan(0);
    return fallbacks[0]?.error.message;
  });
}

describe('piper TTS: the answer is outside input', () => {
  it('a WAV header with 0 channels is an error naming it (it used to spin the event loop until out of memory)', async () => {
    piperAnswers(wav(22_050, 0));
    expect(await synthesisError()).toContain('expected 1 or 2 channels, got 0');
  });

  it('a WAV header with a sample rate of 10 Hz is an error naming it', async () => {
    piperAnswers(wav(10, 1));
    expect(await synthesisError()).toContain('expected a sample rate from 8000 to 48000 Hz, got 10');
  });

  it('a 20 MB answer for "Hi." (7.5 minutes of audio) is an error at the default cap, read no further than it', async () => {
    // 20 MB in 64 KB chunks, counted as they are read
    let served = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(wavHeader(22_050, 20_000_000)));
      },
      pull(controller) {
        if (served >= 20_000_000) return controller.close();
        served += 65_536;
        controller.enqueue(new Uint8Array(65_536));
      },
    });
    piperAnswers(body);
    expect(await synthesisError()).toContain('answered more than 120000 ms of audio for one sentence');
    // the default cap: 2 minutes at the header's 22.05 kHz (5.3 MB), plus the stream's read-ahead
    expect(served).toBeLessThan(120 * 22_050 * 2 + 1_000_000);
  });

  it('a WAV header whose audio is longer than maxAudioMs is refused even when the body is short of the byte cap', async () => {
    // 3 s at 8 kHz is well under the byte cap (computed for 48 kHz) but over 2 s of audio
    piperAnswers(wav(8_000, 1, 3 * 8_000 * 2));
    expect(await synthesisError({ maxAudioMs: 2_000 })).toContain('answered more than 2000 ms of audio for one sentence');
  });

  it('an error body is read for at most a few KB (an endless error page does not grow the process)', async () => {
    let served = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        served += 65_536;
        if (served > 50_000_000) return controller.close();
        controller.enqueue(new TextEncoder().encode('<p>'.padEnd(65_536, 'x')));
      },
    });
    piperAnswers(body, { status: 500 });
    expect(await synthesisError()).toContain('HTTP 500');
    expect(served).toBeLessThan(1_000_000);
  });
});
