/**
 * The microphone's path to the Realtime API, on the audio thread: each render quantum (128 samples at the context's
 * rate) is resampled to 24 kHz, and every `chunkMs` of it goes to the page as PCM16 bytes (transferred, not copied).
 * Loaded with `?worker&url`, so Vite bundles it, imports included, into one file served with the app.
 */
import { CAPTURE_PROCESSOR, type CaptureProcessorOptions } from "./capture-protocol";
import { Pcm16Chunker } from "./pcm16";
import { Resampler } from "./resampler";

// The AudioWorkletGlobalScope's own names, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}
declare function registerProcessor(name: string, processor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;

class Pcm16CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: Resampler;
  private readonly chunker: Pcm16Chunker;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { outputRate, chunkMs } = options.processorOptions as CaptureProcessorOptions;
    this.resampler = new Resampler(sampleRate, outputRate);
    this.chunker = new Pcm16Chunker(Math.round((outputRate * chunkMs) / 1000));
  }

  process(inputs: Float32Array[][]): boolean {
    // The node mixes its input down to one channel (channelCount 1, "explicit"); none while nothing is connected.
    const mono = inputs[0]?.[0];
    if (mono) {
      for (const chunk of this.chunker.push(this.resampler.process(mono))) this.port.postMessage(chunk, [chunk.buffer]);
    }
    return true; // keep running until the page disconnects the node
  }
}

registerProcessor(CAPTURE_PROCESSOR, Pcm16CaptureProcessor);
