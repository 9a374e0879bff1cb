import { describe, expect, it } from "vitest";
import { PlaybackSchedule, UNDERRUN_LEAD_S } from "./playback-schedule";

describe("PlaybackSchedule", () => {
  it("books chunks back to back, so a reply plays without gaps", () => {
    const schedule = new PlaybackSchedule();
    const first = schedule.add("item_a", 0.1, 5);
    expect(first).toBeCloseTo(5 + UNDERRUN_LEAD_S, 9);
    expect(schedule.add("item_a", 0.2, 5.01)).toBeCloseTo(first + 0.1, 9);
    expect(schedule.add("item_a", 0.1, 5.02)).toBeCloseTo(first + 0.3, 9);
    expect(schedule.isPlaying(first + 0.39)).toBe(true);
    expect(schedule.isPlaying(first + 0.41)).toBe(false);
  });

  it("starts a little ahead after an underrun rather than in the past", () => {
    const schedule = new PlaybackSchedule();
    schedule.add("item_a", 0.1, 0);
    expect(schedule.add("item_a", 0.1, 2)).toBeCloseTo(2 + UNDERRUN_LEAD_S, 9);
  });

  it("counts what was played by the clock, not what was received", () => {
    const schedule = new PlaybackSchedule();
    const start = schedule.add("item_a", 1, 10); // a second of audio arrives at once
    schedule.add("item_a", 1, 10);
    expect(schedule.playedMs("item_a", start - 0.5)).toBe(0);
    expect(schedule.playedMs("item_a", start + 0.25)).toBe(250);
    expect(schedule.playedMs("item_a", start + 1.5)).toBe(1500);
    expect(schedule.playedMs("item_a", start + 9)).toBe(2000);
    expect(schedule.playedMs("item_unknown", start + 9)).toBe(0);
  });

  it("keeps each reply's played time apart, and their total", () => {
    const schedule = new PlaybackSchedule();
    const start = schedule.add("item_a", 0.5, 0);
    schedule.add("item_b", 0.5, 0.1);
    expect(schedule.playedMs("item_a", start + 0.75)).toBe(500);
    expect(schedule.playedMs("item_b", start + 0.75)).toBe(250);
    expect(schedule.totalPlayedMs(start + 0.75)).toBe(750);
  });

  it("stops at once on barge-in: what was cut, how much of it was heard, and nothing more afterwards", () => {
    const schedule = new PlaybackSchedule();
    const start = schedule.add("item_done", 0.3, 0);
    schedule.add("item_a", 1, 0);
    schedule.add("item_a", 1, 0);
    schedule.add("item_b", 1, 0); // booked, never reached
    const cuts = schedule.stop(start + 1.5);
    expect(cuts).toEqual([
      { itemId: "item_a", playedMs: 1200 },
      { itemId: "item_b", playedMs: 0 },
    ]);
    expect(schedule.isPlaying(start + 1.5)).toBe(false);
    expect(schedule.playedMs("item_a", start + 60)).toBe(1200);
    expect(schedule.totalPlayedMs(Number.POSITIVE_INFINITY)).toBe(1500);
    // The next reply starts from now, not after the cancelled audio.
    expect(schedule.add("item_c", 0.1, start + 1.6)).toBeCloseTo(start + 1.6 + UNDERRUN_LEAD_S, 9);
  });

  it("rounds played time down, so a truncation never claims more than was heard", () => {
    const schedule = new PlaybackSchedule();
    const start = schedule.add("item_a", 1, 0);
    expect(schedule.playedMs("item_a", start + 0.0019)).toBe(1);
  });
});
