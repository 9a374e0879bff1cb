import { TERMINAL_EVENT_TYPES, type ConversationState, type Session, type SessionPage, type SessionStreamEvent } from "../lib/agents";
import type { ErrorView } from "./errors";
import { doneProgress, lipsyncProgress, startingProgress, turnOfInstance, type ProgressView } from "./progress";
import { cleanCitations, type LiveResults } from "./results";
import { appendToTimeline, type TimelineEntry } from "./timeline";

/** What data-testid="status" says. */
export type Status = "idle" | "recording" | "uploading" | "waiting" | "retrying" | "completed" | "failed" | "cancelled";

export interface HistoryState {
  items: SessionPage["items"];
  loading: boolean;
  error: ErrorView | null;
}

export interface AppState {
  status: Status;
  /** The session on screen (and in the URL hash), if any. */
  sessionId: string | null;
  /** Its events so far, in id order (what sessionStorage keeps for a reload). */
  events: SessionStreamEvent[];
  timeline: TimelineEntry[];
  /** The lip-sync bar, from the first lipsync step or progress event on. */
  progress: ProgressView | null;
  /** What the events said before the session is (re)loaded. */
  live: LiveResults;
  /** The session as getSession last answered. */
  session: Session | null;
  /** The live conversation this page joined (and, after it ended, how it went), if any. */
  conversation: ConversationState | null;
  /** A refused upload, a failed session's reason, an unreachable API. */
  error: ErrorView | null;
  /** A passing remark, e.g. that a recording was too short. */
  hint: string | null;
  history: HistoryState;
}

export type Action =
  /** The talk button is held: a new session begins with the recording. */
  | { type: "record-start" }
  /** Released with a usable recording: it uploads. */
  | { type: "record-stop" }
  /** Released too soon, or nothing was recorded. */
  | { type: "record-discarded"; hint: string }
  /** A typed prompt is sent. */
  | { type: "submit" }
  /** Deckard accepted the upload. */
  | { type: "created"; session: Session }
  /** A past session is opened (from the history or the URL hash). */
  | { type: "open"; sessionId: string }
  | { type: "event"; event: SessionStreamEvent }
  /** getSession answered. */
  | { type: "session"; session: Session }
  /** Something failed: the upload was refused, the microphone denied, the session cannot be followed. */
  | { type: "error"; error: ErrorView }
  /** The live conversation changed (joining, a turn, playback, its end). */
  | { type: "conversation"; conversation: ConversationState }
  /** Joining the conversation failed (the microphone, the ticket, the socket); the session itself goes on. */
  | { type: "conversation-failed"; error: ErrorView }
  | { type: "hint"; hint: string | null }
  | { type: "history-loading" }
  | { type: "history"; page: SessionPage }
  | { type: "history-error"; error: ErrorView };

export function initialState(): AppState {
  return {
    status: "idle",
    sessionId: null,
    events: [],
    timeline: [],
    progress: null,
    live: {},
    session: null,
    conversation: null,
    error: null,
    hint: null,
    history: { items: [], loading: false, error: null },
  };
}

/** A session is under way: its events may still move the status between waiting and retrying. */
export function isRunning(status: Status): boolean {
  return status === "waiting" || status === "retrying";
}

export function isTerminal(status: Status): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/** A new session may be started (recorded or typed) unless one is being recorded or uploaded right now. */
export function canStart(status: Status): boolean {
  return status !== "recording" && status !== "uploading";
}

/** The page's status for a session's stored status: queued, running and conversing are all "waiting". */
export function statusOfSession(status: string): Status {
  return status === "completed" || status === "failed" || status === "cancelled" ? status : "waiting";
}

/** Whether the events include the session's end, after which following them again would wait for nothing. */
export function hasTerminalEvent(events: readonly SessionStreamEvent[]): boolean {
  return events.some((event) => TERMINAL_EVENT_TYPES.has(event.type));
}

/** A clean slate for a new or newly opened session; the history stays. */
function fresh(state: AppState, status: Status, sessionId: string | null): AppState {
  return { ...initialState(), status, sessionId, history: state.history };
}

export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case "record-start":
      return canStart(state.status) ? fresh(state, "recording", null) : state;
    case "record-stop":
      return state.status === "recording" ? { ...state, status: "uploading" } : state;
    case "record-discarded":
      return state.status === "recording" ? { ...state, status: "idle", hint: action.hint } : state;
    case "submit":
      return canStart(state.status) ? fresh(state, "uploading", null) : state;
    case "created":
      if (state.status !== "uploading") return state;
      return { ...state, status: statusOfSession(action.session.status), sessionId: action.session.id, session: action.session };
    case "open":
      return fresh(state, "waiting", action.sessionId);
    case "event":
      return state.sessionId === null ? state : applyEvent(state, action.event);
    case "session":
      return applySession(state, action.session);
    case "error":
      return { ...state, status: "failed", error: action.error, hint: null };
    case "conversation":
      if (state.sessionId === null) return state;
      // (Re)joining clears what a failed attempt said.
      return { ...state, conversation: action.conversation, error: action.conversation.phase === "connecting" ? null : state.error };
    case "conversation-failed":
      return { ...state, conversation: null, error: action.error };
    case "hint":
      return { ...state, hint: action.hint };
    case "history-loading":
      return { ...state, history: { ...state.history, loading: true } };
    case "history":
      return { ...state, history: { items: action.page.items, loading: false, error: null } };
    case "history-error":
      return { ...state, history: { ...state.history, loading: false, error: action.error } };
  }
}

function applyEvent(state: AppState, event: SessionStreamEvent): AppState {
  const last = state.events.at(-1);
  if (last && event.id <= last.id) return state; // replayed after a resume: already here
  const next: AppState = {
    ...state,
    events: [...state.events, event],
    timeline: appendToTimeline(state.timeline, event),
  };

  switch (event.type) {
    case "step.started":
      if (event.data.step === "lipsync") next.progress = startingProgress(turnOfInstance(event.data.instance));
      break;
    case "step.completed":
      if (event.data.step === "lipsync") next.progress = doneProgress(state.progress);
      break;
    case "step.failed":
      if (event.data.step === "lipsync") next.progress = null;
      break;
    case "lipsync.progress":
      next.progress = lipsyncProgress(event.data);
      break;
    case "transcript.ready":
      next.live = { ...next.live, transcript: event.data.transcript };
      break;
    case "intent.classified":
      next.live = { ...next.live, intent: event.data.intent };
      break;
    case "answer.ready":
      next.live = {
        ...next.live,
        answer: { text: event.data.text, citations: cleanCitations(event.data.citations), reused: event.data.reused },
      };
      break;
    case "session.completed":
      next.status = "completed";
      break;
    case "session.failed":
      next.status = "failed";
      next.error = { title: "The session failed", detail: event.data.reason };
      break;
    case "session.cancelled":
      next.status = "cancelled";
      break;
    default:
      break;
  }

  // While the session runs, a retry shows as "retrying" until the next thing happens.
  if (isRunning(state.status) && !TERMINAL_EVENT_TYPES.has(event.type)) {
    next.status = event.type === "step.retrying" ? "retrying" : "waiting";
  }
  return next;
}

function applySession(state: AppState, session: Session): AppState {
  if (session.id !== state.sessionId) return state; // an answer for a session no longer on screen
  const next: AppState = { ...state, session };
  // A session that ended while nobody listened (or whose end this page has not seen yet) ends here too.
  const stored = statusOfSession(session.status);
  if (isRunning(state.status) && isTerminal(stored)) {
    next.status = stored;
    if (stored === "failed" && !state.error) next.error = { title: "The session failed", detail: session.error ?? undefined };
  }
  return next;
}
