import { tts } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVoiceStack } from '../../src/index.js';
import { mockCartesiaTTS, mockElevenLabsTTS, type MockCartesiaTTS, type MockElevenLabsTTS } from '../../src/testing/index.js';
import { recordEvents } from '../helpers/recorders.js';

// Timed transcripts (the words and when they are spoken, which the session uses to sync its transcript with the
// audio) through the chain: Cartesia sends `timestamps` messages, ElevenLabs `normalizedAlignment` with its audio.
// A fallback from Cartesia (24 kHz) to ElevenLabs (22.05 kHz) resamples ElevenLabs' frames to the chain's rate: the
// resampler returns zero, one or several frames per input frame, and each word must still come out exactly once.

let cartesia: MockCartesiaTTS;
let elevenlabs: MockElevenLabsTTS;
beforeAll(async () => {
  [cartesia, elevenlabs] = await Promise.all([mockCartesiaTTS({ audioMs: 1_200 }), mockElevenLabsTTS({ audioMs: 1_200 })]);
});
afterAll(() => Promise.all([cartesia.close(), elevenlabs.close()]));

const env = { CARTESIA_API_KEY: 'sk_car_test', ELEVEN_API_KEY: 'xi-test' };
const TEXT = 'The quick brown fox jumps over the lazy dog near the river bank today.';

/** Streams `text` and returns the words of every timed transcript on the frames, in order, and the frame rates. */
async function timedWords(instance: tts.TTS, text: string) {
  const stream = instance.stream();
  const words: string[] = [];
  const rates = new Set<number>();
  stream.pushText(text);
  stream.endInput();
  try {
    for await (const audio of stream) {
      if (audio === tts.SynthesizeStream.END_OF_STREAM) break;
      rates.add(audio.frame.sampleRate);
      for (const timed of audio.timedTranscripts ?? []) words.push(timed.text.trim());
    }
  } finally {
    stream.close();
  }
  return { words: words.filter(Boolean), rates: [...rates] };
}

describe('timed transcripts through the TTS chain', () => {
  it('Cartesia at the chain’s own rate: every word once, in order', async () => {
    cartesia.reset();
    const stack = await createVoiceStack({ tts: [{ provider: 'cartesia', baseURL: cartesia.baseURL }] }, { env });
    try {
      const { words, rates } = await timedWords(stack.tts!, TEXT);
      expect(rates).toEqual([24_000]);
      expect(words.join(' ')).toBe(TEXT);
    } finally {
      await stack.close();
    }
  });

  it('Cartesia refused, ElevenLabs at 22.05 kHz resampled to 24 kHz: every word once, in order, none dropped', async () => {
    cartesia.reset();
    elevenlabs.reset();
    cartesia.use({ status: 429, times: 1 });
    const stack = await createVoiceStack(
      {
        tts: [
          { provider: 'cartesia', baseURL: cartesia.baseURL },
          { provider: 'elevenlabs', baseURL: elevenlabs.baseURL },
        ],
      },
      { env },
    );
    const recorder = recordEvents(stack);
    try {
      const { words, rates } = await timedWords(stack.tts!, TEXT);
      expect(recorder.of('fallback')).toHaveLength(1);
      expect(elevenlabs.requests[0]?.sampleRate).toBe(22_050);
      expect(rates).toEqual([24_000]);
      expect(words.join(' ')).toBe(TEXT);
    } finally {
      await stack.close();
    }
  });
});
