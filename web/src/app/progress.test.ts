import { describe, expect, it } from "vitest";
import { doneProgress, etaText, formatSeconds, lipsyncProgress, turnOfInstance } from "./progress";

describe("lipsyncProgress", () => {
  it("is elapsedMs / estimatedTotalMs, with the time left from etaMs", () => {
    expect(lipsyncProgress({ stage: "rendering", submission: 1, elapsedMs: 8150, estimatedTotalMs: 61_000, etaMs: 52_850 })).toEqual({
      stage: "rendering",
      percent: 13,
      text: "about 53 s left",
      turn: null,
      submission: 1,
    });
    expect(lipsyncProgress({ stage: "rendering", submission: 1, elapsedMs: 30_000, estimatedTotalMs: 60_000, etaMs: 30_000 }).percent).toBe(50);
  });

  it("computes the time left from the estimate when etaMs is missing", () => {
    const view = lipsyncProgress({ stage: "queued", submission: 1, elapsedMs: 15_000, estimatedTotalMs: 45_000 });
    expect(view.percent).toBe(33);
    expect(view.text).toBe("about 30 s left");
  });

  it("stays below 100 % while the render overruns its estimate", () => {
    const view = lipsyncProgress({ stage: "rendering", submission: 1, elapsedMs: 75_000, estimatedTotalMs: 60_000, etaMs: 0 });
    expect(view.percent).toBe(99);
    expect(view.text).toBe("almost done");
  });

  it("is indeterminate without an estimate, and says how long it has been", () => {
    const view = lipsyncProgress({ stage: "uploading", submission: 2, elapsedMs: 2500, estimatedTotalMs: null, etaMs: null, turn: 4 });
    expect(view).toEqual({ stage: "uploading", percent: null, text: "2.5 s elapsed", turn: 4, submission: 2 });
    expect(lipsyncProgress({ stage: "queued", submission: 1, elapsedMs: 100, estimatedTotalMs: 0 }).percent).toBeNull();
  });

  it("fills the bar when the step completes", () => {
    const before = lipsyncProgress({ stage: "downloading", submission: 1, elapsedMs: 59_000, estimatedTotalMs: 60_000, etaMs: 1000, turn: 2 });
    expect(doneProgress(before)).toEqual({ stage: "done", percent: 100, text: "done", turn: 2, submission: 1 });
  });
});

describe("etaText and formatSeconds", () => {
  it("rounds the time left up, in seconds, then minutes from two minutes on", () => {
    expect(etaText(52_850)).toBe("about 53 s left");
    expect(etaText(1)).toBe("about 1 s left");
    expect(etaText(119_000)).toBe("about 119 s left");
    expect(etaText(150_000)).toBe("about 3 min left");
    expect(etaText(0)).toBe("almost done");
    expect(etaText(-500)).toBe("almost done");
  });

  it("keeps one decimal below ten seconds", () => {
    expect(formatSeconds(2000)).toBe("2 s");
    expect(formatSeconds(1500)).toBe("1.5 s");
    expect(formatSeconds(250)).toBe("0.3 s");
    expect(formatSeconds(12_600)).toBe("13 s");
  });

  it("reads the turn from a step instance", () => {
    expect(turnOfInstance("turn-3")).toBe(3);
    expect(turnOfInstance("conversation")).toBeNull();
    expect(turnOfInstance(undefined)).toBeNull();
  });
});
