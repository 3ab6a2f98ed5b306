import { AudioFrame } from '@livekit/rtc-node';

/** Input samples on each side of an output sample, at the lower of the two rates. */
const HALF_TAPS = 16;
/** The low-pass cutoff, as a share of the lower rate's Nyquist frequency. */
const CUTOFF = 0.95;
/** Above this many phases the kernels are computed per sample instead of cached (rates with a small common divisor). */
const MAX_CACHED_PHASES = 4_096;

/**
 * A streaming resampler of 16-bit PCM in TypeScript (windowed sinc, Blackman window), with the interface of
 * `@livekit/rtc-node`'s `AudioResampler`: `push(frame)` returns zero or more frames, `flush()` the rest. The native one
 * starts LiveKit's FFI, which keeps the Node process alive until `dispose()`, for everyone in the process: a stack
 * must end what it starts, so its own audio paths use this one. `flush()` gives exactly
 * `ceil(inputSamples × outRate / inRate)` samples per channel in all.
 */
export class PcmResampler {
  readonly #inRate: number;
  readonly #outRate: number;
  readonly #channels: number;
  /** Input samples each side of an output sample, at the input rate. */
  readonly #half: number;
  /** The filter's cutoff, in cycles per input sample. */
  readonly #cutoff: number;
  /** The phases of `k × inRate / outRate`: one kernel each, when cached. */
  readonly #phases: number;
  readonly #step: number;
  readonly #kernels = new Map<number, Float64Array>();
  /** Input samples kept (interleaved), the first being input sample `#offset`. */
  #history = new Float64Array(0);
  #offset = 0;
  /** Input samples received, per channel. */
  #received = 0;
  /** The next output sample's index. */
  #next = 0;

  constructor(inRate: number, outRate: number, channels = 1) {
    this.#inRate = inRate;
    this.#outRate = outRate;
    this.#channels = channels;
    const ratio = Math.min(1, outRate / inRate);
    this.#half = Math.ceil(HALF_TAPS / ratio);
    this.#cutoff = (CUTOFF * ratio) / 2;
    const divisor = gcd(inRate, outRate);
    this.#phases = outRate / divisor;
    this.#step = inRate / divisor;
  }

  push(frame: AudioFrame): AudioFrame[] {
    const samples = frame.data;
    const kept = this.#history.length;
    const history = new Float64Array(kept + samples.length);
    history.set(this.#history);
    for (let index = 0; index < samples.length; index++) history[kept + index] = samples[index]!;
    this.#history = history;
    this.#received += frame.samplesPerChannel;
    return this.#emit(this.#received - 1 - this.#half);
  }

  /** The output samples still held back (their right-hand neighbours read as silence). */
  flush(): AudioFrame[] {
    return this.#emit(this.#received - 1, true);
  }

  /** Nothing native to release: for the interface of `AudioResampler`. */
  close(): void {
    this.#history = new Float64Array(0);
  }

  /** Output samples whose centre lies at or before input sample `last` (all of them on `final`). */
  #emit(last: number, final = false): AudioFrame[] {
    const channels = this.#channels;
    const out: number[] = [];
    for (;;) {
      // The output sample's position in input samples, as an integer part and a phase (exact: no drift).
      const numerator = this.#next * this.#step;
      const centre = Math.floor(numerator / this.#phases);
      if (centre > last || (final && centre >= this.#received)) break;
      const kernel = this.#kernel(numerator % this.#phases);
      const first = centre - this.#half + 1;
      for (let channel = 0; channel < channels; channel++) {
        let sum = 0;
        for (let tap = 0; tap < kernel.length; tap++) {
          const input = first + tap;
          if (input < this.#offset || input >= this.#received) continue;
          sum += kernel[tap]! * this.#history[(input - this.#offset) * channels + channel]!;
        }
        out.push(Math.max(-32_768, Math.min(32_767, Math.round(sum))));
      }
      this.#next++;
    }
    // Keep what the next output samples still read.
    const keepFrom = Math.max(this.#offset, Math.floor((this.#next * this.#step) / this.#phases) - this.#half + 1);
    if (keepFrom > this.#offset) {
      this.#history = this.#history.slice((keepFrom - this.#offset) * channels);
      this.#offset = keepFrom;
    }
    if (out.length === 0) return [];
    const samplesPerChannel = out.length / channels;
    return [new AudioFrame(Int16Array.from(out), this.#outRate, channels, samplesPerChannel)];
  }

  /** The taps for an output sample `phase / phases` of an input sample after its centre, normalised to a gain of 1. */
  #kernel(phase: number): Float64Array {
    const cached = this.#kernels.get(phase);
    if (cached) return cached;
    const fraction = phase / this.#phases;
    const taps = new Float64Array(2 * this.#half);
    let total = 0;
    for (let tap = 0; tap < taps.length; tap++) {
      // Distance from the output sample to input sample `centre - half + 1 + tap`.
      const x = tap - this.#half + 1 - fraction;
      const sinc = x === 0 ? 1 : Math.sin(2 * Math.PI * this.#cutoff * x) / (Math.PI * x);
      const w = (x + this.#half) / (2 * this.#half);
      const window = w <= 0 || w >= 1 ? 0 : 0.42 - 0.5 * Math.cos(2 * Math.PI * w) + 0.08 * Math.cos(4 * Math.PI * w);
      taps[tap] = sinc * window;
      total += taps[tap]!;
    }
    for (let tap = 0; tap < taps.length; tap++) taps[tap]! /= total;
    if (this.#phases <= MAX_CACHED_PHASES) this.#kernels.set(phase, taps);
    return taps;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
