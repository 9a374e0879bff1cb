import type { SessionStreamEvent } from "../lib/agents";
import { formatSeconds, lipsyncProgress } from "./progress";

export type Tone = "info" | "progress" | "success" | "warning" | "error";

/** One line of the timeline. */
export interface TimelineEntry {
  /** The event's id (for a collapsed run of lipsync.progress, the newest one's). */
  id: number;
  type: SessionStreamEvent["type"];
  text: string;
  tone: Tone;
  /** Entries with the same group in a row are one line (a render's stage, updated by its heartbeats). */
  group?: string;
}

/** What a step is doing, and what it did, as a person would say it. */
const stepWords: Record<string, { doing: string; done: string }> = {
  transcribe: { doing: "Transcribing", done: "Transcribed" },
  classify: { doing: "Working out what you asked for", done: "Understood the request" },
  portrait: { doing: "Drawing the portrait", done: "Portrait drawn" },
  web_search: { doing: "Searching the web", done: "Search done" },
  speech: { doing: "Speaking the answer", done: "Answer spoken" },
  lipsync: { doing: "Lip-syncing the video", done: "Video rendered" },
  realtime: { doing: "Talking live", done: "Live conversation recorded" },
};

const stageWords: Record<string, string> = {
  uploading: "uploading",
  queued: "queued",
  rendering: "rendering",
  downloading: "downloading",
};

function stepSuffix(data: { instance?: string | null; attempt: number }): string {
  const parts: string[] = [];
  if (data.instance) parts.push(data.instance);
  if (data.attempt > 1) parts.push(`attempt ${data.attempt}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function artifactText(kind: string, role: string): string {
  if (role.startsWith("input-")) return `Upload stored (${kind})`;
  if (kind === "image") return role === "portrait" ? "Portrait ready" : `Image ready (${role})`;
  if (kind === "audio") return role === "answer-speech" ? "Spoken answer ready" : `Audio ready (${role})`;
  if (kind === "video") return "Video ready";
  if (kind === "transcript") return "Transcript saved";
  return `${kind} ready (${role})`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The readable line for one event, e.g. "Heard: what is the tallest mountain?" or "Intent: search". */
export function describeEvent(event: SessionStreamEvent): { text: string; tone: Tone } {
  switch (event.type) {
    case "session.created": {
      const input = event.data.input === "voice" ? "voice prompt" : event.data.input === "prompt" ? "typed prompt" : event.data.input;
      return { text: `Session started (${input})`, tone: "info" };
    }
    case "step.started":
      return { text: `${stepWords[event.data.step]?.doing ?? `Step ${event.data.step} started`}${stepSuffix(event.data)}`, tone: "progress" };
    case "step.completed":
      return { text: `${stepWords[event.data.step]?.done ?? `Step ${event.data.step} done`}${stepSuffix(event.data)}`, tone: "success" };
    case "step.retrying":
      return {
        text: `Step ${event.data.step}${event.data.instance ? ` (${event.data.instance})` : ""} retrying in ${formatSeconds(event.data.retryInMs)}: ${event.data.reason}`,
        tone: "warning",
      };
    case "step.failed":
      return { text: `Step ${event.data.step}${stepSuffix(event.data)} failed: ${event.data.reason}`, tone: "error" };
    case "transcript.ready":
      return { text: `Heard: ${event.data.transcript}`, tone: "info" };
    case "intent.classified":
      return { text: `Intent: ${event.data.intent}`, tone: "info" };
    case "artifact.created":
      return { text: artifactText(event.data.kind, event.data.role), tone: "success" };
    case "answer.ready": {
      const sources = event.data.citations.length ? ` with ${plural(event.data.citations.length, "source")}` : "";
      return { text: `Answer ready${sources}${event.data.reused ? " (reused from an earlier session)" : ""}`, tone: "success" };
    }
    case "lipsync.progress": {
      const view = lipsyncProgress(event.data);
      const turn = view.turn !== null ? ` turn ${view.turn}` : "";
      const submission = view.submission > 1 ? `, submission ${view.submission}` : "";
      return { text: `Lip-sync${turn} ${stageWords[view.stage] ?? view.stage}${submission}: ${view.text}`, tone: "progress" };
    }
    case "conversation.ready":
      return { text: "Live conversation ready", tone: "info" };
    case "conversation.connected":
      return { text: `Conversation connected (voice ${event.data.voice})`, tone: "info" };
    case "turn.completed": {
      const said = [event.data.user ? `you: ${event.data.user}` : "", event.data.assistant ? `Deckard: ${event.data.assistant}` : ""].filter(Boolean).join(" / ");
      return { text: `Turn ${event.data.turn}${event.data.interrupted ? " (interrupted)" : ""}${said ? `: ${said}` : ""}`, tone: "info" };
    }
    case "conversation.ended":
      return { text: `Conversation ended (${event.data.reason}) after ${plural(event.data.turns, "turn")}`, tone: "info" };
    case "session.completed":
      return { text: "Completed", tone: "success" };
    case "session.failed":
      return { text: `Failed: ${event.data.reason}`, tone: "error" };
    case "session.cancelled":
      return { text: "Cancelled", tone: "warning" };
  }
}

/**
 * The timeline with one more event. Consecutive lipsync.progress events of one render (same stage, submission and
 * turn) are one line that updates, so a render's heartbeats every couple of seconds do not flood the list.
 */
export function appendToTimeline(timeline: readonly TimelineEntry[], event: SessionStreamEvent): TimelineEntry[] {
  const entry: TimelineEntry = { id: event.id, type: event.type, ...describeEvent(event) };
  if (event.type === "lipsync.progress") {
    entry.group = `lipsync:${event.data.turn ?? ""}:${event.data.submission}:${event.data.stage}`;
    if (timeline.at(-1)?.group === entry.group) return [...timeline.slice(0, -1), entry];
  }
  return [...timeline, entry];
}
