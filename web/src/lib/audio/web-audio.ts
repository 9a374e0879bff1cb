/**
 * The browser's side of a conversation's audio, on one AudioContext: the microphone through the capture worklet,
 * and the assistant's PCM16 played chunk by chunk at the times the caller schedules. realtime.ts drives it through
 * the ConversationAudio interface, which its tests fake.
 */
import { CAPTURE_PROCESSOR, type CaptureProcessorOptions } from "./capture-protocol";
import { PCM16_SAMPLE_RATE } from "./pcm16";
import captureWorkletUrl from "./pcm16-capture.worklet.ts?worker&url";

/** About 100 ms per `input_audio_buffer.append`: ten events a second, each well under Deckard's frame limit. */
export const CAPTURE_CHUNK_MS = 100;

export interface ConversationAudio {
  /** The output clock (AudioContext.currentTime), in seconds. */
  now(): number;
  /** Asks for the microphone and calls `onChunk` with PCM16 24 kHz mono bytes; rejects as getUserMedia does. */
  startMicrophone(onChunk: (pcm16: Uint8Array) => void): Promise<void>;
  /** A muted microphone sends silence, so the server's turn detection still sees the person stop. */
  setMuted(muted: boolean): void;
  /** Plays 24 kHz samples from `when` on the output clock; `onEnded` once they have played (not when stopped). */
  play(samples: Float32Array<ArrayBuffer>, when: number, onEnded: () => void): void;
  /** Silences everything scheduled, at once. */
  stopPlayback(): void;
  /** Releases the microphone and the audio context. */
  close(): void;
}

/**
 * Creates the AudioContext at once: called during a click (or soon after one), it may start playing; created later
 * without any, a browser keeps it suspended.
 */
export function createWebAudio(): ConversationAudio {
  const context = new AudioContext({ latencyHint: "interactive" });
  void context.resume().catch(() => undefined); // suspended by the autoplay policy: nothing to do but wait for a gesture
  const sources = new Set<AudioBufferSourceNode>();
  let stream: MediaStream | null = null;
  let capture: AudioWorkletNode | null = null;
  let closed = false;

  function releaseMicrophone() {
    capture?.port.close();
    capture?.disconnect();
    stream?.getTracks().forEach((track) => track.stop());
  }

  function stopPlayback() {
    for (const source of sources) {
      source.onended = null;
      source.stop();
    }
    sources.clear();
  }

  return {
    now: () => context.currentTime,

    async startMicrophone(onChunk) {
      if (typeof navigator.mediaDevices?.getUserMedia !== "function" || typeof AudioWorkletNode === "undefined") {
        throw new DOMException("This browser cannot capture audio here.", "NotSupportedError");
      }
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      });
      await context.audioWorklet.addModule(captureWorkletUrl);
      const processorOptions: CaptureProcessorOptions = { outputRate: PCM16_SAMPLE_RATE, chunkMs: CAPTURE_CHUNK_MS };
      capture = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 1,
        channelCountMode: "explicit",
        processorOptions,
      });
      capture.port.onmessage = (message: MessageEvent<Uint8Array>) => onChunk(message.data);
      context.createMediaStreamSource(stream).connect(capture);
      // Its output is silent; connected, the node is pulled (and so runs) in every browser.
      capture.connect(context.destination);
      if (closed) releaseMicrophone(); // hung up while the permission prompt was open
    },

    setMuted(muted) {
      stream?.getAudioTracks().forEach((track) => {
        track.enabled = !muted;
      });
    },

    play(samples, when, onEnded) {
      if (closed || samples.length === 0) return;
      // The context resamples a 24 kHz buffer to its own rate.
      const buffer = context.createBuffer(1, samples.length, PCM16_SAMPLE_RATE);
      buffer.copyToChannel(samples, 0);
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      source.onended = () => {
        sources.delete(source);
        onEnded();
      };
      sources.add(source);
      source.start(when);
    },

    stopPlayback,

    close() {
      if (closed) return;
      closed = true;
      stopPlayback();
      releaseMicrophone();
      void context.close().catch(() => undefined);
    },
  };
}
