import type { ErrorView } from "./errors";

/** What Deckard stores best from a browser; where a browser cannot record it, its own default (Safari: MP4/AAC). */
export const PREFERRED_MIME_TYPE = "audio/webm;codecs=opus";

/** A recording shorter than this is taken for a tap, not speech. */
export const MIN_RECORDING_MS = 400;

export function pickMimeType(isTypeSupported: (type: string) => boolean): string | undefined {
  try {
    return isTypeSupported(PREFERRED_MIME_TYPE) ? PREFERRED_MIME_TYPE : undefined;
  } catch {
    return undefined;
  }
}

export interface Recorded {
  blob: Blob;
  durationMs: number;
}

export interface Recording {
  /** Stops recording, releases the microphone and gives the audio. */
  stop(): Promise<Recorded>;
}

/** Asks for the microphone and starts recording; rejects when there is none or the person refuses it. */
export async function startRecording(): Promise<Recording> {
  if (typeof navigator.mediaDevices?.getUserMedia !== "function" || typeof MediaRecorder === "undefined") {
    throw new DOMException("This browser cannot record audio here.", "NotSupportedError");
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
  const release = () => stream.getTracks().forEach((track) => track.stop());
  let recorder: MediaRecorder;
  try {
    const mimeType = pickMimeType((type) => MediaRecorder.isTypeSupported(type));
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  } catch (error) {
    release();
    throw error;
  }
  const chunks: Blob[] = [];
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const startedAt = performance.now();
  recorder.start();

  let stopped: Promise<Recorded> | null = null;
  return {
    stop() {
      stopped ??= new Promise<Recorded>((resolve) => {
        const finish = () => {
          release();
          const type = recorder.mimeType || chunks[0]?.type || "";
          resolve({ blob: new Blob(chunks, type ? { type } : {}), durationMs: performance.now() - startedAt });
        };
        if (recorder.state === "inactive") finish();
        else {
          recorder.addEventListener("stop", finish, { once: true });
          recorder.stop();
        }
      });
      return stopped;
    },
  };
}

/** A readable reason the microphone could not be used. */
export function microphoneErrorView(error: unknown): ErrorView {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return {
        title: "Microphone not allowed",
        detail: "allow this page to use the microphone in the browser's site settings, or type your prompt instead",
        code: "microphone-denied",
      };
    case "NotFoundError":
    case "OverconstrainedError":
      return { title: "No microphone", detail: "plug one in, or type your prompt instead", code: "microphone-missing" };
    case "NotReadableError":
      return { title: "Microphone busy", detail: "another application is using it", code: "microphone-busy" };
    case "NotSupportedError":
      return { title: "Recording not supported", detail: "this browser cannot record audio here; type your prompt instead", code: "recording-unsupported" };
    default:
      return { title: "Could not record", detail: error instanceof Error ? error.message : String(error), code: "recording-failed" };
  }
}
