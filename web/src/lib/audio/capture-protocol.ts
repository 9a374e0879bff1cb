/** What the page and the capture worklet (pcm16-capture.worklet.ts) agree on; neither can import the other. */

export const CAPTURE_PROCESSOR = "deckard-pcm16-capture";

/** The worklet's processorOptions. */
export interface CaptureProcessorOptions {
  /** The rate it resamples the microphone to. */
  outputRate: number;
  /** How much audio each message to the page carries. */
  chunkMs: number;
}
