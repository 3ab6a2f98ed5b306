import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import type { tts } from '@livekit/agents';
import { tonePCM } from '../src/testing/tts-scenario.js';
import { rawTTS, stackTTSContender, timeUtterance, ttsEntry, ttsFallbackAdapterContender, type TTSContender } from './speech-contenders.js';

export interface AudioCorrectnessRow {
  /** The chain: primary (refuses with 429) → fallback. */
  chain: string;
  contender: string;
  utterances: number;
  /** The rate the session expects (the TTS's `sampleRate`) and what the frames carried (`-1`: mixed). */
  expectedRate: number;
  rates: number[];
  /** Samples per utterance the mock sent, at the chain's rate (resampled when the fallback's rate differs). */
  expectedSamples: number;
  /** Samples received per utterance: min and max. */
  receivedMin: number;
  receivedMax: number;
  /** Same rate: utterances whose PCM is exactly what the mock sent, in order. Resampled: `null`. */
  exactPCM: number | null;
  /** Samples missing (received < sent) and extra (received > sent), summed over the utterances. */
  missingSamples: number;
  extraSamples: number;
  errors: number;
}

export interface AudioCorrectnessOptions {
  /** Base URLs: the Cartesia mock (healthy), the one refusing with 429, the ElevenLabs mock, the OpenAI-format server. */
  cartesia: string;
  cartesiaRateLimited: string;
  elevenlabs: string;
  openai: string;
  audioMs: number;
  utterances: number;
}

type Chain = {
  name: string;
  /** The rate of the fallback's audio (what the mock sends). */
  fallbackRate: number;
  stack: (trial: number) => Promise<TTSContender>;
  adapter?: (trial: number) => TTSContender;
};

/**
 * Audio after a switch: the primary refuses at once, the fallback speaks the whole utterance. Counts the samples the
 * session receives against what the mock sent (a 440 Hz tone of `audioMs`), compares the PCM itself when no
 * resampling is involved, and checks that every frame has the rate the session expects. Fresh instances per
 * utterance, so each one switches.
 */
export async function runAudioCorrectness(options: AudioCorrectnessOptions): Promise<AudioCorrectnessRow[]> {
  const refused = (trial: number) => ttsEntry('cartesia', options.cartesiaRateLimited, `sonic-3#${trial}`);
  const chains: Chain[] = [
    {
      name: 'cartesia 429 → cartesia (24 kHz)',
      fallbackRate: 24_000,
      stack: (trial) => stackTTSContender('stack.tts', [refused(trial), ttsEntry('cartesia', options.cartesia)]),
      adapter: (trial) =>
        ttsFallbackAdapterContender('tts.FallbackAdapter', [
          rawTTS('cartesia', options.cartesiaRateLimited, `sonic-3#${trial}`),
          rawTTS('cartesia', options.cartesia),
        ]),
    },
    {
      name: 'openai 429 → openai (24 kHz, one-shot HTTP)',
      fallbackRate: 24_000,
      stack: (trial) =>
        stackTTSContender('stack.tts', [
          ttsEntry('openai', options.openai, `rate-limited#audio${trial}`),
          ttsEntry('openai', options.openai),
        ]),
    },
    {
      name: 'cartesia 429 → elevenlabs (22.05 kHz, resampled to 24 kHz)',
      fallbackRate: 22_050,
      stack: (trial) =>
        stackTTSContender('stack.tts', [refused(trial), { provider: 'elevenlabs', baseURL: options.elevenlabs, apiKey: 'bench' }]),
      adapter: (trial) =>
        ttsFallbackAdapterContender('tts.FallbackAdapter', [
          rawTTS('cartesia', options.cartesiaRateLimited, `sonic-3#${trial}`),
          rawElevenLabs(options.elevenlabs),
        ]),
    },
  ];
  const rows: AudioCorrectnessRow[] = [];
  for (const chain of chains) {
    const sent = tonePCM(chain.fallbackRate, options.audioMs);
    const sentSamples = sent.length / 2;
    for (const [contender, build] of [
      ['stack.tts', chain.stack],
      ['tts.FallbackAdapter', chain.adapter],
    ] as const) {
      if (!build) continue;
      const received: { samples: number; rate: number; exact: boolean; error?: string }[] = [];
      let expectedRate = 0;
      for (let trial = 0; trial < options.utterances; trial++) {
        const instance = await build(trial);
        expectedRate = instance.sampleRate;
        try {
          const utterance = await timeUtterance(instance, { deadlineMs: 30_000, keepPCM: true });
          const pcm = utterance.pcm!;
          const exact = pcm.length === sentSamples && Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).equals(sent);
          received.push({
            samples: utterance.samples,
            rate: utterance.sampleRate,
            exact,
            ...(utterance.error && { error: utterance.error }),
          });
        } finally {
          await instance.close();
        }
      }
      const expectedSamples = Math.round((sentSamples * expectedRate) / chain.fallbackRate);
      const counts = received.map((utterance) => utterance.samples);
      rows.push({
        chain: chain.name,
        contender,
        utterances: received.length,
        expectedRate,
        rates: [...new Set(received.map((utterance) => utterance.rate))],
        expectedSamples,
        receivedMin: Math.min(...counts),
        receivedMax: Math.max(...counts),
        exactPCM: chain.fallbackRate === expectedRate ? received.filter((utterance) => utterance.exact).length : null,
        missingSamples: counts.reduce((sum, count) => sum + Math.max(0, expectedSamples - count), 0),
        extraSamples: counts.reduce((sum, count) => sum + Math.max(0, count - expectedSamples), 0),
        errors: received.filter((utterance) => utterance.error).length,
      });
    }
  }
  return rows;
}

function rawElevenLabs(baseURL: string): tts.TTS {
  const instance = new elevenlabs.TTS({ apiKey: 'bench', baseURL, encoding: 'pcm_22050' });
  instance.on('error', () => {});
  return instance;
}
