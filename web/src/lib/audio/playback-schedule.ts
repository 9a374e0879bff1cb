/**
 * The bookkeeping behind gapless playback and barge-in: where each chunk of assistant audio was scheduled on the
 * output clock (AudioContext.currentTime, in seconds), and so how much of each reply has really been played at any
 * moment. That, not what was received, is what `conversation.item.truncate` must say: audio arrives faster than it
 * plays, and the server may only keep what the person heard.
 */

/** After an underrun (the network fell behind the speaker), the next chunk starts this far ahead, never in the past. */
export const UNDERRUN_LEAD_S = 0.03;

interface Segment {
  start: number;
  end: number;
}

export interface Cut {
  itemId: string;
  /** Whole milliseconds of the item played before the cut. */
  playedMs: number;
}

export class PlaybackSchedule {
  /** Per assistant item, its chunks' spans on the output clock, in order (insertion order: the reply order). */
  private readonly items = new Map<string, Segment[]>();
  /** Where the next chunk starts so that it follows the previous one without a gap. */
  private nextStart = 0;

  /** Books a chunk of `durationS` for `itemId` and returns when it must start: right after the previous one. */
  add(itemId: string, durationS: number, now: number): number {
    const start = this.nextStart > now ? this.nextStart : now + UNDERRUN_LEAD_S;
    this.nextStart = start + durationS;
    const segments = this.items.get(itemId);
    if (segments) segments.push({ start, end: this.nextStart });
    else this.items.set(itemId, [{ start, end: this.nextStart }]);
    return start;
  }

  /** Whether the item has had audio booked (its reply has begun). */
  has(itemId: string): boolean {
    return this.items.has(itemId);
  }

  /** Whether booked audio is still to be heard at `now`. */
  isPlaying(now: number): boolean {
    return now < this.nextStart;
  }

  /** Milliseconds of the item played by `now` (whole ones: truncating must never claim more than was heard). */
  playedMs(itemId: string, now: number): number {
    return wholeMs(playedSeconds(this.items.get(itemId) ?? [], now));
  }

  /** Milliseconds of all assistant audio played by `now`. */
  totalPlayedMs(now: number): number {
    let seconds = 0;
    for (const segments of this.items.values()) seconds += playedSeconds(segments, now);
    return wholeMs(seconds);
  }

  /**
   * Cancels everything not yet heard at `now` (the person spoke over it) and returns each item cut short, with how
   * much of it was played. Items that had finished are left alone.
   */
  stop(now: number): Cut[] {
    const cuts: Cut[] = [];
    for (const [itemId, segments] of this.items) {
      const end = segments.at(-1)?.end ?? 0;
      if (end <= now) continue;
      cuts.push({ itemId, playedMs: this.playedMs(itemId, now) });
      const kept = segments.filter((segment) => segment.start < now).map((segment) => ({ start: segment.start, end: Math.min(segment.end, now) }));
      this.items.set(itemId, kept);
    }
    this.nextStart = 0;
    return cuts;
  }
}

function playedSeconds(segments: readonly Segment[], now: number): number {
  let seconds = 0;
  for (const { start, end } of segments) {
    if (now <= start) break;
    seconds += Math.min(now, end) - start;
  }
  return seconds;
}

/** Rounded down, but a float sum that falls a hair short (0.3 as 0.29999...) still counts as the whole millisecond. */
function wholeMs(seconds: number): number {
  return Math.floor(seconds * 1000 + 1e-6);
}
