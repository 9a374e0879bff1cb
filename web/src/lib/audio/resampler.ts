/**
 * A streaming resampler for the microphone: the AudioContext runs at the device's rate (48 or 44.1 kHz, sometimes
 * 16 kHz), the Realtime API takes 24 kHz. Blocks arrive one render quantum at a time, so everything that spans a block
 * boundary (the filter's history, the read position, the last sample) is carried over: the output is the same however
 * the input is cut into blocks.
 */

/** Odd, so the filter delays by a whole number of samples; enough for ~75 dB of stopband with a Blackman window. */
const FILTER_TAPS = 63;
/** Where the low-pass starts to cut, as a share of the output's Nyquist frequency (speech lives well below it). */
const CUTOFF_SHARE = 0.85;

export class Resampler {
  private readonly inputRate: number;
  private readonly outputRate: number;
  private readonly taps: Float32Array | null;
  /** The last FILTER_TAPS - 1 raw inputs, which the next block's first outputs still need. */
  private readonly history: Float32Array;
  /**
   * Where the next output falls, in input samples from the current block's start, times outputRate: an integer, so
   * the position never drifts however long the conversation. -outputRate is the previous block's last sample.
   */
  private position = 0;
  private previous = 0;

  constructor(inputRate: number, outputRate: number) {
    this.inputRate = Math.round(inputRate);
    this.outputRate = Math.round(outputRate);
    if (!(this.inputRate > 0 && this.outputRate > 0)) throw new RangeError("Sample rates must be positive.");
    // Going down, what lies above the new Nyquist frequency must go first, or it folds back as audible noise.
    this.taps = this.inputRate > this.outputRate ? lowPass(FILTER_TAPS, (CUTOFF_SHARE * this.outputRate) / (2 * this.inputRate)) : null;
    this.history = new Float32Array(this.taps ? this.taps.length - 1 : 0);
  }

  process(input: Float32Array): Float32Array {
    if (this.inputRate === this.outputRate) return input.slice();
    const x = this.taps ? this.filter(input, this.taps) : input;
    const n = x.length;
    if (n === 0) return new Float32Array(0);
    const out = this.outputRate;
    const last = (n - 1) * out;
    const count = this.position > last ? 0 : Math.floor((last - this.position) / this.inputRate) + 1;
    const output = new Float32Array(count);
    let p = this.position;
    for (let k = 0; k < count; k++, p += this.inputRate) {
      const i = Math.floor(p / out);
      const fraction = (p - i * out) / out;
      const a = i < 0 ? this.previous : (x[i] ?? 0);
      const b = fraction === 0 ? a : (x[i + 1] ?? a);
      output[k] = a + (b - a) * fraction;
    }
    this.position = p - n * out;
    this.previous = x[n - 1] ?? 0;
    return output;
  }

  /** The input through the low-pass filter, continuing from the previous block. */
  private filter(input: Float32Array, taps: Float32Array): Float32Array {
    const keep = this.history.length;
    const extended = new Float32Array(keep + input.length);
    extended.set(this.history);
    extended.set(input, keep);
    const filtered = new Float32Array(input.length);
    for (let j = 0; j < input.length; j++) {
      let sum = 0;
      for (let k = 0; k < taps.length; k++) sum += (taps[k] ?? 0) * (extended[j + keep - k] ?? 0);
      filtered[j] = sum;
    }
    this.history.set(extended.subarray(extended.length - keep));
    return filtered;
  }
}

/** A Blackman-windowed sinc low-pass with unity gain at DC; `cutoff` in cycles per input sample (0 to 0.5). */
export function lowPass(length: number, cutoff: number): Float32Array {
  const taps = new Float32Array(length);
  const middle = (length - 1) / 2;
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const t = k - middle;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (length - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (length - 1));
    taps[k] = sinc * window;
    sum += sinc * window;
  }
  for (let k = 0; k < length; k++) taps[k] = (taps[k] ?? 0) / sum;
  return taps;
}
