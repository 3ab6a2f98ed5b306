import { describe, expect, it } from 'vitest';
import type { FallbackEvent, VoiceStack } from '../../../src/index.js';
import { mockOpenAISpeechEndpoint, mockPiperTTS } from '../../../src/testing/index.js';
import { closedPort } from '../../helpers/closed-port.js';
import { withStack } from '../../helpers/with-stack.js';
import { useMswServer } from '../../helpers/msw.js';
import { speak, synthesizeOnce } from '../../helpers/speak.js';

// Three generations of Piper's HTTP server, as their teams run them (each at its own host).
const piper = mockPiperTTS({ voices: { 'en_US-lessac-medium': 22_050, 'fr_FR-siwis-low': 16_000 } });
const piper13 = mockPiperTTS({ baseURL: 'http://piper-13.internal:5000', api: 'json' });
const piper12 = mockPiperTTS({ baseURL: 'http://piper-12.internal:5000', api: 'text' });
const kokoro = mockOpenAISpeechEndpoint({ baseURL: 'http://kokoro.internal:8880/v1' });
useMswServer(...piper.handlers, ...piper13.handlers, ...piper12.handlers, ...kokoro.handlers);

/** A stack with this tts slot (fast retries), closed after `run`. */
const stackWith = <T>(slot: unknown, run: (stack: VoiceStack) => Promise<T>) =>
  withStack({ tts: slot as never, retry: { initialDelayMs: 10 } }, { env: {} }, run);

describe('piper TTS against a mocked Piper HTTP server', () => {
  it('defaults: POST http://localhost:5000/synthesize with JSON; the WAV becomes 22.05 kHz frames', async () => {
    piper.reset();
    const audio = await stackWith({ provider: 'piper' }, (stack) => speak(stack.tts!, 'Hello there.'));
    expect(audio).toMatchObject({ sampleRate: 22_050, samples: 4_410 }); // 200 ms at 22.05 kHz
    expect(piper.requests).toHaveLength(1);
    expect(piper.requests[0]).toMatchObject({ path: '/synthesize', voice: 'en_US-lessac-medium', text: 'Hello there.' });
    expect(piper.requests[0]?.body).toEqual({ text: 'Hello there.' });
  });

  it('sends voice, speaker_id and length_scale; a 16 kHz voice is resampled to the declared rate', async () => {
    piper.reset();
    const audio = await stackWith(
      { provider: 'piper', voice: 'fr_FR-siwis-low', speakerId: 0, lengthScale: 1.2, language: 'fr' },
      (stack) => synthesizeOnce(stack.tts!, 'Bonjour.'),
    );
    expect(audio.sampleRate).toBe(22_050);
    // 200 ms whatever the rate (the resampler may hold back a few samples).
    expect(audio.samples).toBeGreaterThan(4_300);
    expect(audio.samples).toBeLessThanOrEqual(4_410);
    expect(piper.requests[0]).toMatchObject({ voice: 'fr_FR-siwis-low', sampleRate: 16_000 });
    expect(piper.requests[0]?.body).toEqual({ text: 'Bonjour.', voice: 'fr_FR-siwis-low', speaker_id: 0, length_scale: 1.2 });
  });

  it('api "json" (piper-tts 1.3–1.4) posts JSON to /, api "text" (1.2) posts the text itself', async () => {
    piper13.reset();
    piper12.reset();
    const json = await stackWith({ provider: 'piper', baseURL: piper13.baseURL, api: 'json' }, (stack) => speak(stack.tts!, 'One.'));
    const text = await stackWith({ provider: 'piper', baseURL: piper12.baseURL, api: 'text', sampleRate: 16_000 }, (stack) =>
      speak(stack.tts!, 'Two.'),
    );
    expect(json).toMatchObject({ sampleRate: 22_050, samples: 4_410 });
    expect(text.sampleRate).toBe(16_000);
    expect(piper13.requests.map((request) => [request.path, request.body])).toEqual([['/', { text: 'One.' }]]);
    expect(piper12.requests.map((request) => [request.path, request.body])).toEqual([['/', 'Two.']]);
  });

  it('health: ok with a voice the server has; names the missing voice, the wrong API and a server that is down', async () => {
    const report = await stackWith(
      [
        { provider: 'piper', voice: 'en_US-lessac-medium' },
        { provider: 'piper', voice: 'de_DE-thorsten-medium' },
        { provider: 'piper', baseURL: piper13.baseURL },
        { provider: 'piper', baseURL: `http://127.0.0.1:${await closedPort()}` },
      ],
      (stack) => stack.health(),
    );
    const [ok, missingVoice, wrongAPI, down] = report.results;
    expect(ok).toMatchObject({ ok: true, provider: 'piper', model: 'en_US-lessac-medium' });
    expect(missingVoice?.error).toBe(
      'no voice "de_DE-thorsten-medium" on the server (it has en_US-lessac-medium, fr_FR-siwis-low): it would speak with its default. Fix: python3 -m piper.download_voices de_DE-thorsten-medium',
    );
    expect(wrongAPI?.error).toBe(
      `Failed to synthesize with Piper at ${piper13.baseURL}: HTTP 404. Fix: set api "json" (piper-tts 1.3–1.4) or "text" (1.2 and earlier)`,
    );
    expect(down?.error).toContain('connection refused');
  });

  it('a failing Piper (500, Flask’s HTML page) falls back to the next TTS with the status in the event', async () => {
    piper.reset();
    kokoro.reset();
    piper.use({ status: 500 });
    const fallbacks: FallbackEvent[] = [];
    const audio = await stackWith(
      [{ provider: 'piper' }, { provider: 'openai-compatible', baseURL: kokoro.baseURL, model: 'kokoro', voice: 'af_bella' }],
      (stack) => {
        stack.on('fallback', (event) => fallbacks.push(event));
        return speak(stack.tts!, 'Still here.');
      },
    );
    expect(audio.samples).toBeGreaterThan(0);
    expect(kokoro.requests.map((request) => request.text)).toEqual(['Still here.']);
    expect(fallbacks).toMatchObject([{ modality: 'tts', from: 'piper/default', to: 'openai-compatible/kokoro' }]);
    expect(fallbacks[0]?.error.message).toContain('HTTP 500 (The server encountered an internal error');
  });

  it('a malformed answer (the web page instead of a WAV) is an error that says so, and the next TTS answers', async () => {
    piper.reset();
    kokoro.reset();
    piper.use({ malformed: true });
    const fallbacks: FallbackEvent[] = [];
    await stackWith(
      [{ provider: 'piper' }, { provider: 'openai-compatible', baseURL: kokoro.baseURL, model: 'kokoro', voice: 'af_bella' }],
      (stack) => {
        stack.on('fallback', (event) => fallbacks.push(event));
        return speak(stack.tts!, 'Hi.');
      },
    );
    expect(kokoro.requests).toHaveLength(1);
    expect(fallbacks[0]?.error.message).toContain('expected a WAV file, got 100 bytes starting with "<!DOCTYPE html>');
  });
});
