import { AudioFrame } from '@livekit/rtc-node';

export interface SpeechLikeFramesOptions {
  /** @default 16000 */
  sampleRate?: number;
  /** Length of each frame, in ms. @default 20 */
  frameMs?: number;
  /** Silence before the speech, in ms. @default 200 */
  leadingSilenceMs?: number;
  /** Length of the speech-like part, in ms. @default 1200 */
  speechMs?: number;
  /** Silence after the speech, in ms (a VAD needs some to report the end of speech). @default 800 */
  trailingSilenceMs?: number;
  /** Peak amplitude, 0 to 1. @default 0.5 */
  amplitude?: number;
  /**
   * Steady white noise over the whole signal (a noisy line: a fan, hiss), as its RMS relative to full scale, e.g.
   * 0.03 (about -30 dBFS). Deterministic. @default 0
   */
  noise?: number;
}

// Formants of the vowels /a/, /i/, /u/, /e/ (Hz): enough spectral shape for a speech VAD to fire.
const VOWELS = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [300, 870, 2240],
  [530, 1840, 2480],
] as const;

/**
 * Synthesises PCM16 mono frames that sound like speech to a VAD (Silero) and to an energy filter: silence,
 * then voiced syllables (a glottal pulse train at a gliding pitch through vowel formant resonators), then
 * silence. Deterministic, no external tools. Feed the frames to `stt.stream().pushFrame()` over time.
 *
 * @example
 * const frames = speechLikeFrames({ speechMs: 1000 });
 * await pushFrames(stream, frames, { realTime: true });
 */
export function speechLikeFrames(options: SpeechLikeFramesOptions = {}): AudioFrame[] {
  const sampleRate = options.sampleRate ?? 16_000;
  const frameMs = options.frameMs ?? 20;
  const amplitude = options.amplitude ?? 0.5;
  const samples = (ms: number) => Math.round((ms * sampleRate) / 1000);
  const leading = samples(options.leadingSilenceMs ?? 200);
  const speech = samples(options.speechMs ?? 1200);
  const trailing = samples(options.trailingSilenceMs ?? 800);
  const pcm = new Int16Array(leading + speech + trailing);

  const voiced = synthesiseVowels(speech, sampleRate);
  let peak = 0;
  for (const value of voiced) peak = Math.max(peak, Math.abs(value));
  for (let i = 0; i < speech; i++) pcm[leading + i] = Math.round((voiced[i]! / (peak || 1)) * amplitude * 32_767);
  if (options.noise) addNoise(pcm, options.noise * 32_767);

  const perFrame = samples(frameMs);
  const frames: AudioFrame[] = [];
  for (let start = 0; start < pcm.length; start += perFrame) {
    const data = pcm.slice(start, Math.min(start + perFrame, pcm.length));
    frames.push(new AudioFrame(data, sampleRate, 1, data.length));
  }
  return frames;
}

/** Adds uniform white noise of RMS `rms` (a fixed-seed generator: the same frames every run). */
function addNoise(pcm: Int16Array, rms: number): void {
  let seed = 1;
  const scale = rms * Math.sqrt(3);
  for (let i = 0; i < pcm.length; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    const value = pcm[i]! + ((seed / 0x7fffffff) * 2 - 1) * scale;
    pcm[i] = Math.max(-32_768, Math.min(32_767, Math.round(value)));
  }
}

function synthesiseVowels(length: number, sampleRate: number): Float64Array {
  const out = new Float64Array(length);
  const syllable = Math.round(0.25 * sampleRate);
  let phase = 0;
  // Two-pole resonator state per formant.
  const state = VOWELS[0].map(() => [0, 0]);
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    const vowel = VOWELS[Math.floor(i / syllable) % VOWELS.length]!;
    const pitch = 120 + 25 * Math.sin(2 * Math.PI * 1.3 * t);
    phase += pitch / sampleRate;
    const pulse = phase >= 1 ? 1 : 0;
    if (phase >= 1) phase -= 1;
    const envelope = Math.sin((Math.PI * (i % syllable)) / syllable) ** 0.5;
    let sample = 0;
    vowel.forEach((frequency, index) => {
      const bandwidth = 80 + 40 * index;
      const r = Math.exp((-Math.PI * bandwidth) / sampleRate);
      const a1 = 2 * r * Math.cos((2 * Math.PI * frequency) / sampleRate);
      const a2 = -r * r;
      const s = state[index]!;
      const y = pulse + a1 * s[0]! + a2 * s[1]!;
      s[1] = s[0]!;
      s[0] = y;
      sample += y / (index + 1);
    });
    out[i] = sample * envelope;
  }
  return out;
}

/** Anything frames can be pushed into: an `stt.SpeechStream`, a `VADStream`. */
export interface FrameSink {
  pushFrame(frame: AudioFrame): void;
  endInput(): void;
}

export interface PushFramesOptions {
  /**
   * Wait between frames so the stream sees live audio: `true` waits each frame's duration, a number waits that
   * many ms per frame. Streaming STTs (Deepgram) only connect while input is open, so never push all at once.
   * @default 2 (ms per frame)
   */
  pace?: boolean | number;
  /** Call `endInput()` after the last frame. @default true */
  end?: boolean;
}

/** Pushes frames into a stream over time, then ends its input. */
export async function pushFrames(sink: FrameSink, frames: readonly AudioFrame[], options: PushFramesOptions = {}): Promise<void> {
  const pace = options.pace ?? 2;
  for (const frame of frames) {
    sink.pushFrame(frame);
    const wait = pace === true ? (frame.samplesPerChannel / frame.sampleRate) * 1000 : pace === false ? 0 : pace;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  if (options.end ?? true) sink.endInput();
}
