import { AudioFrame } from '@livekit/rtc-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcmResampler } from '../../src/providers/pcm-resampler.js';

/** `ms` of a sine at `hz`, interleaved over `channels` (channel c at amplitude / (c + 1)). */
function tone(rate: number, ms: number, hz = 440, channels = 1, amplitude = 10_000): Int16Array {
  const length = Math.round((rate * ms) / 1000);
  const data = new Int16Array(length * channels);
  for (let i = 0; i < length; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = Math.round((amplitude / (c + 1)) * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  return data;
}

/** Pushes `data` cut at `cuts` (sample offsets per channel), then flushes: the output samples, concatenated. */
function resample(data: Int16Array, inRate: number, outRate: number, channels = 1, cuts: number[] = []): AudioFrame[] {
  const resampler = new PcmResampler(inRate, outRate, channels);
  const perChannel = data.length / channels;
  const bounds = [0, ...cuts.filter((cut) => cut > 0 && cut < perChannel).sort((a, b) => a - b), perChannel];
  const frames: AudioFrame[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const part = data.slice(bounds[i - 1]! * channels, bounds[i]! * channels);
    frames.push(...resampler.push(new AudioFrame(part, inRate, channels, part.length / channels)));
  }
  frames.push(...resampler.flush());
  resampler.close();
  return frames;
}

const joined = (frames: AudioFrame[]) => Int16Array.from(frames.flatMap((frame) => [...frame.data]));

describe('PcmResampler (no native code: nothing that keeps the process alive)', () => {
  it.each([
    [22_050, 24_000],
    [16_000, 22_050],
    [44_100, 24_000],
    [24_000, 16_000],
    [8_000, 48_000],
  ])('%i Hz → %i Hz: every sample accounted for, frames at the new rate', (inRate, outRate) => {
    const frames = resample(tone(inRate, 200), inRate, outRate, 1, [inRate / 100, inRate / 20]);
    expect(frames.every((frame) => frame.sampleRate === outRate && frame.channels === 1)).toBe(true);
    expect(joined(frames).length).toBe(Math.ceil((Math.round((inRate * 200) / 1000) * outRate) / inRate));
  });

  it('keeps a 440 Hz tone a 440 Hz tone at the same level (away from the edges)', () => {
    const out = joined(resample(tone(22_050, 500), 22_050, 24_000));
    const expected = tone(24_000, 500);
    let error = 0;
    let energy = 0;
    for (let i = 500; i < expected.length - 500; i++) {
      error += (out[i]! - expected[i]!) ** 2;
      energy += expected[i]! ** 2;
    }
    expect(10 * Math.log10(energy / error)).toBeGreaterThan(60); // signal-to-error ratio in dB
  });

  it('removes what the lower rate cannot carry (a 10 kHz tone from 44.1 kHz to 16 kHz)', () => {
    const out = joined(resample(tone(44_100, 200, 10_000), 44_100, 16_000));
    const peak = Math.max(...out.slice(200, -200).map(Math.abs));
    expect(peak).toBeLessThan(100); // from 10,000: below -40 dB
  });

  it('keeps the channels apart', () => {
    const out = joined(resample(tone(22_050, 200, 440, 2), 22_050, 24_000, 2));
    const left = out.filter((_, i) => i % 2 === 0).slice(100, -100);
    const right = out.filter((_, i) => i % 2 === 1).slice(100, -100);
    for (let i = 0; i < left.length; i++) expect(Math.abs(left[i]! / 2 - right[i]!)).toBeLessThanOrEqual(2);
  });

  it('gives the same samples however the input is cut into frames', () => {
    const data = tone(22_050, 100, 300);
    const whole = joined(resample(data, 22_050, 24_000));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: data.length }), { maxLength: 12 }), (cuts) => {
        expect(joined(resample(data, 22_050, 24_000, 1, cuts))).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('clips instead of wrapping around at full scale', () => {
    const square = Int16Array.from({ length: 2_000 }, (_, i) => (Math.floor(i / 20) % 2 ? 32_767 : -32_768));
    const out = joined(resample(square, 16_000, 24_000));
    expect(Math.max(...out)).toBe(32_767);
    expect(Math.min(...out)).toBe(-32_768);
  });
});
