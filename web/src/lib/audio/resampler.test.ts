import { describe, expect, it } from "vitest";
import { lowPass, Resampler } from "./resampler";

function sine(frequency: number, rate: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => Math.sin((2 * Math.PI * frequency * i) / rate));
}

/** Feeds the input in blocks of the given sizes (cycling), as an AudioWorklet's render quanta would arrive. */
function inBlocks(resampler: Resampler, input: Float32Array, sizes: number[]): Float32Array {
  const parts: Float32Array[] = [];
  for (let offset = 0, i = 0; offset < input.length; i++) {
    const size = sizes[i % sizes.length] ?? 128;
    parts.push(resampler.process(input.subarray(offset, offset + size)));
    offset += size;
  }
  const output = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (output.set(part, offset), offset + part.length), 0);
  return output;
}

function rms(samples: Float32Array): number {
  return Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / samples.length);
}

/** The strength of `frequency` in `samples` (a single-bin DFT), 1 for a full-scale sine. */
function amplitudeAt(samples: Float32Array, frequency: number, rate: number): number {
  let re = 0;
  let im = 0;
  samples.forEach((sample, i) => {
    re += sample * Math.cos((2 * Math.PI * frequency * i) / rate);
    im -= sample * Math.sin((2 * Math.PI * frequency * i) / rate);
  });
  return (2 * Math.hypot(re, im)) / samples.length;
}

describe("Resampler", () => {
  it("turns 48 kHz into 24 kHz: half the samples, the tone kept at its pitch and level", () => {
    const output = inBlocks(new Resampler(48_000, 24_000), sine(1000, 48_000, 1), [128]);
    expect(output.length).toBe(24_000);
    const settled = output.subarray(100); // past the filter's start-up
    expect(amplitudeAt(settled, 1000, 24_000)).toBeCloseTo(1, 1);
    expect(amplitudeAt(settled, 2000, 24_000)).toBeLessThan(0.01);
  });

  it("turns 44.1 kHz into 24 kHz with the right number of samples over a long stream", () => {
    const output = inBlocks(new Resampler(44_100, 24_000), sine(440, 44_100, 10), [128]);
    expect(Math.abs(output.length - 240_000)).toBeLessThanOrEqual(1);
    expect(amplitudeAt(output.subarray(200), 440, 24_000)).toBeCloseTo(1, 1);
  });

  it("gives the same output however the input is cut into blocks (state carried across them)", () => {
    const input = sine(700, 44_100, 0.5);
    const whole = new Resampler(44_100, 24_000).process(input);
    const pieces = inBlocks(new Resampler(44_100, 24_000), input, [128, 1, 37, 500, 3]);
    expect(pieces.length).toBe(whole.length);
    pieces.forEach((sample, i) => expect(sample).toBeCloseTo(whole[i] ?? NaN, 5));
  });

  it("removes what would fold back below the new Nyquist frequency instead of aliasing it", () => {
    // 16 kHz at 48 kHz would alias to 8 kHz at 24 kHz: plain interpolation keeps it at full strength.
    const output = inBlocks(new Resampler(48_000, 24_000), sine(16_000, 48_000, 0.5), [128]);
    expect(rms(output.subarray(100))).toBeLessThan(0.005);
  });

  it("interpolates linearly when going up, continuing across blocks", () => {
    const resampler = new Resampler(16_000, 24_000);
    const ramp = Float32Array.from({ length: 32 }, (_, i) => i / 32);
    const output = inBlocks(resampler, ramp, [5, 7]);
    expect(output.length).toBe(47); // positions 0, 2/3, 4/3, ... up to 31
    output.forEach((sample, k) => expect(sample).toBeCloseTo((k * 2) / 3 / 32, 6));
  });

  it("copies the input when the rates match", () => {
    const input = new Float32Array([0.1, -0.2, 0.3]);
    const output = new Resampler(24_000, 24_000).process(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
  });

  it("has a low-pass with unity gain at DC", () => {
    const taps = lowPass(63, 0.2);
    expect(taps.reduce((sum, tap) => sum + tap, 0)).toBeCloseTo(1, 6);
    expect(taps[0]).toBeCloseTo(taps[62] ?? NaN, 9); // symmetric: linear phase
  });
});
