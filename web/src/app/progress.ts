import type { SessionStreamEvent } from "../lib/agents";

export type LipsyncProgressData = Extract<SessionStreamEvent, { type: "lipsync.progress" }>["data"];

/** What the lip-sync progress bar shows. */
export interface ProgressView {
  /** The render's stage: "starting", "uploading", "queued", "rendering", "downloading", or "done". */
  stage: string;
  /** 0-100, or null when there is no estimate yet (an indeterminate bar). */
  percent: number | null;
  /** "about 42 s left", "almost done", "12 s elapsed", "done". */
  text: string;
  /** The conversation turn it renders, when it renders one. */
  turn: number | null;
  /** Resubmissions of a lost job count from 1. */
  submission: number;
}

/** "2 s", "1.5 s", "12 s": whole seconds from 10 s on, at most one decimal below. */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds >= 10) return `${Math.round(seconds)} s`;
  return `${Number(seconds.toFixed(1))} s`;
}

/** "about 42 s left" (rounded up, so it never says 0 s while work remains); minutes from two minutes on. */
export function etaText(etaMs: number): string {
  if (etaMs <= 0) return "almost done";
  const seconds = Math.ceil(etaMs / 1000);
  if (seconds >= 120) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${seconds} s left`;
}

/**
 * The bar for a lipsync.progress event: elapsedMs / estimatedTotalMs as a percentage, held below 100 until the render
 * is really done (an estimate can be short), and the time left from etaMs (or the estimate minus what has elapsed).
 */
export function lipsyncProgress(data: LipsyncProgressData): ProgressView {
  const total = data.estimatedTotalMs ?? null;
  const percent = total !== null && total > 0 ? Math.min(99, Math.max(0, Math.floor((data.elapsedMs / total) * 100))) : null;
  const eta = data.etaMs ?? (total !== null && total > 0 ? total - data.elapsedMs : null);
  return {
    stage: data.stage,
    percent,
    text: eta === null ? `${formatSeconds(data.elapsedMs)} elapsed` : etaText(eta),
    turn: data.turn ?? null,
    submission: data.submission,
  };
}

/** Before the first progress event of a render. */
export function startingProgress(turn: number | null = null): ProgressView {
  return { stage: "starting", percent: 0, text: "starting", turn, submission: 1 };
}

/** After the lip-sync step completed. */
export function doneProgress(previous: ProgressView | null): ProgressView {
  return { stage: "done", percent: 100, text: "done", turn: previous?.turn ?? null, submission: previous?.submission ?? 1 };
}

/** The turn a step instance such as "turn-2" renders, else null. */
export function turnOfInstance(instance: string | null | undefined): number | null {
  const match = /^turn-(\d+)$/.exec(instance ?? "");
  return match ? Number(match[1]) : null;
}
