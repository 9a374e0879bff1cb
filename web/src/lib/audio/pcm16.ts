/**
 * PCM16 as the Realtime API speaks it: 16-bit signed little-endian mono at 24 kHz, base64 in JSON events. Pure
 * functions, usable on the page and in the capture worklet alike.
 */

export const PCM16_SAMPLE_RATE = 24_000;
const BYTES_PER_SAMPLE = 2;

/** Float samples in [-1, 1] (Web Audio's) as PCM16 bytes; out-of-range samples are clipped, not wrapped. */
export function encodePcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * BYTES_PER_SAMPLE);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const sample = Math.max(-1, Math.min(1, samples[i] ?? 0));
    // Asymmetric scale: -1 reaches -32768 and 1 reaches 32767, so neither end overflows.
    view.setInt16(i * BYTES_PER_SAMPLE, Math.round(sample < 0 ? sample * 0x8000 : sample * 0x7fff), true);
  }
  return bytes;
}

/** PCM16 bytes as float samples in [-1, 1); a trailing odd byte (never sent by a well-behaved peer) is ignored. */
export function decodePcm16(bytes: Uint8Array): Float32Array<ArrayBuffer> {
  const count = Math.floor(bytes.byteLength / BYTES_PER_SAMPLE);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * BYTES_PER_SAMPLE);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(i * BYTES_PER_SAMPLE, true) / 0x8000;
  return samples;
}

/** How long `byteLength` bytes of PCM16 at 24 kHz play, in milliseconds. */
export function pcm16DurationMs(byteLength: number): number {
  return (Math.floor(byteLength / BYTES_PER_SAMPLE) / PCM16_SAMPLE_RATE) * 1000;
}

// String.fromCharCode takes its arguments on the stack: convert in slices well under engines' argument limits.
const BASE64_SLICE = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += BASE64_SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_SLICE));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Collects float samples (already at 24 kHz) and hands out whole chunks of `chunkSamples` as PCM16 bytes: the
 * microphone's 128-sample render quanta become ~100 ms appends, not hundreds of tiny events a second.
 */
export class Pcm16Chunker {
  private readonly pending: Float32Array;
  private filled = 0;

  constructor(readonly chunkSamples: number) {
    if (!Number.isInteger(chunkSamples) || chunkSamples <= 0) throw new RangeError("chunkSamples must be a positive integer.");
    this.pending = new Float32Array(chunkSamples);
  }

  /** Adds samples; returns the chunks they completed (none, one, or several for a long input). */
  push(samples: Float32Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.chunkSamples - this.filled, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.chunkSamples) {
        chunks.push(encodePcm16(this.pending));
        this.filled = 0;
      }
    }
    return chunks;
  }
}
