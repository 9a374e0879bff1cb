import { describe, expect, it } from "vitest";
import { DeckardProblemError } from "../lib/agents";
import { formatError, isAbort, toErrorView } from "./errors";
import { eventsKey, hashForSession, MAX_KEPT_EVENTS, parseKeptEvents, serializeKeptEvents, sessionIdFromHash } from "./persistence";
import { microphoneErrorView, pickMimeType } from "./recorder";
import { SESSION_ID, event } from "./test-support";

describe("the URL hash", () => {
  it("round-trips the session id", () => {
    expect(sessionIdFromHash(hashForSession(SESSION_ID))).toBe(SESSION_ID);
    expect(sessionIdFromHash(`#session=${SESSION_ID}&x=1`)).toBe(SESSION_ID);
  });

  it("ignores anything that is not a session id", () => {
    expect(sessionIdFromHash("")).toBeNull();
    expect(sessionIdFromHash("#other=1")).toBeNull();
    expect(sessionIdFromHash("#session=<script>")).toBeNull();
    expect(sessionIdFromHash("#session=")).toBeNull();
  });
});

describe("kept events", () => {
  const events = [
    event(1, "session.created", { sessionId: SESSION_ID, status: "queued", input: "voice", firstStep: "transcribe" }),
    event(2, "step.started", { step: "transcribe", attempt: 1 }),
  ];

  it("round-trips through sessionStorage's text", () => {
    expect(eventsKey(SESSION_ID)).toBe(`deckard:events:${SESSION_ID}`);
    expect(parseKeptEvents(serializeKeptEvents(events))).toEqual(events);
  });

  it("starts over (from 0) on anything malformed or out of order", () => {
    expect(parseKeptEvents(null)).toEqual([]);
    expect(parseKeptEvents("{")).toEqual([]);
    expect(parseKeptEvents("{}")).toEqual([]);
    expect(parseKeptEvents(JSON.stringify([...events].reverse()))).toEqual([]);
    expect(parseKeptEvents(JSON.stringify([{ id: 1, type: "no.such.type", data: {} }]))).toEqual([]);
    expect(parseKeptEvents(JSON.stringify([{ id: 1.5, type: "step.started", data: {} }]))).toEqual([]);
  });

  it("keeps nothing beyond the limit", () => {
    const many = Array.from({ length: MAX_KEPT_EVENTS + 1 }, (_, index) => event(index + 1, "step.started", { step: "lipsync", attempt: 1 }));
    expect(serializeKeptEvents(many)).toBeNull();
  });
});

describe("errors", () => {
  it("shows a refused upload's title, detail and code", () => {
    const refused = new DeckardProblemError(400, { title: "Unsupported audio", detail: "Send WAV, WebM/Opus, Ogg, MP3, M4A or FLAC.", code: "audio-unsupported" });
    const view = toErrorView(refused, "http://localhost:5080");
    expect(formatError(view)).toBe("Unsupported audio: Send WAV, WebM/Opus, Ogg, MP3, M4A or FLAC. (audio-unsupported)");
  });

  it("says when to come back after a 429", () => {
    const limited = new DeckardProblemError(429, { title: "Too many requests", code: "rate-limited" }, 7);
    expect(toErrorView(limited, "x")).toEqual({ title: "Too many requests", detail: "Try again in 7 s.", code: "rate-limited" });
  });

  it("names the API's address when it cannot be reached", () => {
    const view = toErrorView(new TypeError("Failed to fetch"), "http://localhost:5080");
    expect(view.code).toBe("network");
    expect(view.detail).toContain("http://localhost:5080");
  });

  it("tells an abort apart", () => {
    expect(isAbort(new DOMException("stop", "AbortError"))).toBe(true);
    expect(isAbort(new Error("AbortError"))).toBe(false);
  });
});

describe("recording", () => {
  it("asks for WebM/Opus where the browser records it, else its default", () => {
    expect(pickMimeType((type) => type === "audio/webm;codecs=opus")).toBe("audio/webm;codecs=opus");
    expect(pickMimeType(() => false)).toBeUndefined();
    expect(
      pickMimeType(() => {
        throw new Error("no");
      }),
    ).toBeUndefined();
  });

  it("explains a refused or missing microphone", () => {
    expect(microphoneErrorView(new DOMException("denied", "NotAllowedError")).code).toBe("microphone-denied");
    expect(microphoneErrorView(new DOMException("none", "NotFoundError")).code).toBe("microphone-missing");
    expect(microphoneErrorView(new Error("odd")).detail).toBe("odd");
  });
});
