import { describe, expect, it } from "vitest";
import { appendToTimeline, describeEvent } from "./timeline";
import { SESSION_ID, event } from "./test-support";

const text = (e: Parameters<typeof describeEvent>[0]) => describeEvent(e).text;

describe("describeEvent", () => {
  it("says what each step is doing and did", () => {
    expect(text(event(2, "step.started", { step: "transcribe", attempt: 1 }))).toBe("Transcribing");
    expect(text(event(3, "step.completed", { step: "transcribe", attempt: 1, usage: { model: "m", inputTokens: 1, outputTokens: 2, totalTokens: 3 } }))).toBe("Transcribed");
    expect(text(event(4, "step.started", { step: "web_search", attempt: 2 }))).toBe("Searching the web (attempt 2)");
    expect(text(event(5, "step.started", { step: "lipsync", instance: "turn-2", attempt: 1 }))).toBe("Lip-syncing the video (turn-2)");
    expect(text(event(6, "step.started", { step: "something_new", attempt: 1 }))).toBe("Step something_new started");
  });

  it("names the retry's step, delay and reason", () => {
    const retry = describeEvent(event(7, "step.retrying", { step: "web_search", attempt: 1, retryInMs: 2000, reason: "OpenAI answered 503" }));
    expect(retry).toEqual({ text: "Step web_search retrying in 2 s: OpenAI answered 503", tone: "warning" });
    expect(text(event(8, "step.retrying", { step: "speech", attempt: 2, retryInMs: 1500, reason: "timeout" }))).toBe("Step speech retrying in 1.5 s: timeout");
    expect(text(event(9, "step.retrying", { step: "lipsync", instance: "turn-1", attempt: 1, retryInMs: 12_400, reason: "x" }))).toBe(
      "Step lipsync (turn-1) retrying in 12 s: x",
    );
  });

  it("quotes the transcript, the intent and the answer", () => {
    expect(text(event(1, "session.created", { sessionId: SESSION_ID, status: "queued", input: "voice", firstStep: "transcribe" }))).toBe("Session started (voice prompt)");
    expect(text(event(2, "transcript.ready", { transcript: "What is the tallest mountain?" }))).toBe("Heard: What is the tallest mountain?");
    expect(text(event(3, "intent.classified", { intent: "search", source: "router", arguments: {} }))).toBe("Intent: search");
    const answer = event(4, "answer.ready", {
      text: "Everest.",
      spokenText: "Everest.",
      citations: [{ title: "Wiki", url: "https://en.wikipedia.org/wiki/Everest", startIndex: 0, endIndex: 8 }],
      model: "gpt-5",
      reused: false,
    });
    expect(text(answer)).toBe("Answer ready with 1 source");
  });

  it("names artifacts by what they are for", () => {
    const created = (kind: string, role: string) => text(event(5, "artifact.created", { artifactId: "a", kind, role, contentType: "x", sizeBytes: 1 }));
    expect(created("image", "portrait")).toBe("Portrait ready");
    expect(created("audio", "answer-speech")).toBe("Spoken answer ready");
    expect(created("video", "lipsync-video")).toBe("Video ready");
    expect(created("audio", "input-audio")).toBe("Upload stored (audio)");
  });

  it("describes lip-sync progress with its stage and time left", () => {
    expect(text(event(6, "lipsync.progress", { stage: "rendering", submission: 1, elapsedMs: 8150, estimatedTotalMs: 61_000, etaMs: 52_850 }))).toBe(
      "Lip-sync rendering: about 53 s left",
    );
    expect(text(event(7, "lipsync.progress", { stage: "queued", submission: 2, elapsedMs: 1000, turn: 3 }))).toBe("Lip-sync turn 3 queued, submission 2: 1 s elapsed");
  });

  it("ends with the outcome, a failure with its reason", () => {
    expect(describeEvent(event(9, "session.completed", { sessionId: SESSION_ID }))).toEqual({ text: "Completed", tone: "success" });
    expect(describeEvent(event(9, "session.failed", { sessionId: SESSION_ID, reason: "The recording had no speech." }))).toEqual({
      text: "Failed: The recording had no speech.",
      tone: "error",
    });
    expect(text(event(9, "session.cancelled", { sessionId: SESSION_ID }))).toBe("Cancelled");
  });
});

describe("appendToTimeline", () => {
  it("folds a render's heartbeats into one line that updates, and starts a new one for a new stage", () => {
    const progress = (id: number, stage: string, elapsedMs: number) =>
      event(id, "lipsync.progress", { stage, submission: 1, elapsedMs, estimatedTotalMs: 60_000, etaMs: 60_000 - elapsedMs });
    let timeline = appendToTimeline([], event(1, "step.started", { step: "lipsync", attempt: 1 }));
    timeline = appendToTimeline(timeline, progress(2, "rendering", 10_000));
    timeline = appendToTimeline(timeline, progress(3, "rendering", 20_000));
    expect(timeline.map((entry) => entry.text)).toEqual(["Lip-syncing the video", "Lip-sync rendering: about 40 s left"]);
    expect(timeline.at(-1)?.id).toBe(3);
    timeline = appendToTimeline(timeline, progress(4, "downloading", 58_000));
    expect(timeline).toHaveLength(3);
  });
});
