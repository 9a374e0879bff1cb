import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64, decodePcm16, encodePcm16, Pcm16Chunker, pcm16DurationMs } from "./pcm16";

describe("PCM16", () => {
  it("encodes little-endian, full scale at both ends, clipping what is out of range", () => {
    const bytes = encodePcm16(new Float32Array([0, 1, -1, 0.5, 2, -3]));
    const view = new DataView(bytes.buffer);
    expect(Array.from({ length: 6 }, (_, i) => view.getInt16(i * 2, true))).toEqual([0, 32767, -32768, 16384, 32767, -32768]);
    expect(Array.from(bytes.subarray(2, 4))).toEqual([0xff, 0x7f]); // 32767, low byte first
  });

  it("decodes what it encodes, to within a step or two", () => {
    const samples = new Float32Array([0, 0.25, -0.25, 0.999, -1, 0.0001]);
    const decoded = decodePcm16(encodePcm16(samples));
    expect(decoded).toHaveLength(samples.length);
    decoded.forEach((sample, i) => expect(Math.abs(sample - (samples[i] ?? 0))).toBeLessThanOrEqual(2 / 32768));
  });

  it("decodes bytes at an offset in a larger buffer and ignores a trailing odd byte", () => {
    const buffer = new Uint8Array([9, 0x00, 0x80, 0x01, 0x00, 7]);
    expect(Array.from(decodePcm16(buffer.subarray(1)))).toEqual([-1, 1 / 32768]);
  });

  it("knows how long bytes play at 24 kHz", () => {
    expect(pcm16DurationMs(4800)).toBe(100);
    expect(pcm16DurationMs(48_000)).toBe(1000);
  });
});

describe("base64", () => {
  it("round-trips every byte value, and a payload larger than one conversion slice", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(all))).toEqual(all);
    const large = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 31) % 256);
    const back = base64ToBytes(bytesToBase64(large));
    expect(back.length === large.length && back.every((byte, i) => byte === large[i])).toBe(true);
    expect(bytesToBase64(new Uint8Array([0xff, 0x7f, 0x00]))).toBe("/38A");
  });
});

describe("Pcm16Chunker", () => {
  it("hands out whole chunks however the samples arrive, keeping the rest for later", () => {
    const chunker = new Pcm16Chunker(2400); // 100 ms at 24 kHz
    const sizes: number[] = [];
    for (let i = 0; i < 40; i++) sizes.push(...chunker.push(new Float32Array(128).fill(0.5)).map((chunk) => chunk.byteLength));
    expect(sizes).toEqual([4800, 4800]); // 5120 samples: two chunks, 320 samples waiting
    expect(chunker.push(new Float32Array(2080 + 2400 * 2))).toHaveLength(3);
  });

  it("keeps the samples in order across pushes", () => {
    const chunker = new Pcm16Chunker(4);
    expect(chunker.push(new Float32Array([0.1, 0.2, 0.3]))).toEqual([]);
    const [chunk] = chunker.push(new Float32Array([0.4, 0.5]));
    expect(Array.from(decodePcm16(chunk ?? new Uint8Array()), (sample) => Math.round(sample * 10) / 10)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});
