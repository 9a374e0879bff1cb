/**
 * A live conversation's state as a pure reducer: what the Realtime events (relayed by Deckard), the socket and the
 * local player said so far. The connection (realtime.ts) feeds it; a page draws what it returns.
 */

/** One event as the socket delivers it (GA Realtime names, plus Deckard's own `deckard.conversation.ended`). */
export interface RealtimeServerEvent {
  type: string;
  [field: string]: unknown;
}

export type ConversationPhase = "connecting" | "listening" | "speaking" | "ended";

/**
 * Why a conversation ended: Deckard's reason (`hangup`, `idle`, `max_duration`), `hangup` for this side's hang-up,
 * `closed` for a normal close without one (the session stopped being live: cancelled, ended elsewhere),
 * `disconnected` for any other close, or `left` when the caller aborted; after those two the conversation is still
 * live and can be joined again.
 */
export interface ConversationEnd {
  reason: string;
  /** The close code, when the socket's closing told it. */
  code?: number;
  /** The close reason or the failure, for a person to read. */
  detail?: string;
}

/** An `error` event: Deckard refusing a client event, or the upstream reporting one. The socket stays open. */
export interface RealtimeErrorInfo {
  code: string;
  message: string;
}

export interface ConversationTurn {
  /** The user's speech item (from `input_audio_buffer.committed`), when known. */
  userItemId: string | null;
  /** What the person said (`conversation.item.input_audio_transcription.completed`); "" until transcribed. */
  user: string;
  /** The assistant's reply item, when it has begun. */
  assistantItemId: string | null;
  /** The reply's transcript so far (its deltas, then `response.output_audio_transcript.done`). */
  assistant: string;
  /** The person spoke over the reply and it was truncated. */
  interrupted: boolean;
}

export interface ConversationState {
  phase: ConversationPhase;
  turns: ConversationTurn[];
  /** Assistant replies whose audio started playing. */
  replies: number;
  /** Times the person spoke over a reply and it was cut. */
  bargeIns: number;
  /** Milliseconds of assistant audio actually played. */
  playedMs: number;
  muted: boolean;
  /** The last `error` event. */
  error: RealtimeErrorInfo | null;
  end: ConversationEnd | null;
}

export type ConversationInput =
  /** The socket opened: the person can speak. */
  | { type: "open" }
  | { type: "event"; event: RealtimeServerEvent }
  /** A reply's first audio was scheduled. */
  | { type: "reply-started"; itemId: string }
  /** Playback moved on: the total played, and whether audio is still to be heard. */
  | { type: "played"; playedMs: number; playing: boolean }
  /** The person spoke over these replies, which stopped where they are. */
  | { type: "barge-in"; itemIds: string[]; playedMs: number }
  | { type: "muted"; muted: boolean }
  | { type: "ended"; end: ConversationEnd };

export const ENDED_EVENT = "deckard.conversation.ended";

export function initialConversationState(): ConversationState {
  return { phase: "connecting", turns: [], replies: 0, bargeIns: 0, playedMs: 0, muted: false, error: null, end: null };
}

export function reduceConversation(state: ConversationState, input: ConversationInput): ConversationState {
  if (state.phase === "ended") return state; // whatever trails the end (a last delta, the close) changes nothing
  switch (input.type) {
    case "open":
      return state.phase === "connecting" ? { ...state, phase: "listening" } : state;
    case "event":
      return applyEvent(state, input.event);
    case "reply-started":
      return { ...withAssistant(state, input.itemId, (turn) => turn), phase: "speaking", replies: state.replies + 1 };
    case "played": {
      const phase = input.playing ? state.phase : state.phase === "speaking" ? "listening" : state.phase;
      return input.playedMs === state.playedMs && phase === state.phase ? state : { ...state, playedMs: input.playedMs, phase };
    }
    case "barge-in": {
      const cut = new Set(input.itemIds);
      return {
        ...state,
        phase: "listening",
        bargeIns: state.bargeIns + 1,
        playedMs: input.playedMs,
        turns: state.turns.map((turn) => (turn.assistantItemId !== null && cut.has(turn.assistantItemId) ? { ...turn, interrupted: true } : turn)),
      };
    }
    case "muted":
      return { ...state, muted: input.muted };
    case "ended":
      return { ...state, phase: "ended", end: input.end };
  }
}

function applyEvent(state: ConversationState, event: RealtimeServerEvent): ConversationState {
  const itemId = text(event, "item_id");
  switch (event.type) {
    case "input_audio_buffer.committed":
      return itemId === null ? state : withUser(state, itemId, (turn) => turn);
    case "conversation.item.input_audio_transcription.completed":
      return itemId === null ? state : withUser(state, itemId, (turn) => ({ ...turn, user: text(event, "transcript") ?? "" }));
    case "response.output_audio_transcript.delta":
      return itemId === null ? state : withAssistant(state, itemId, (turn) => ({ ...turn, assistant: turn.assistant + (text(event, "delta") ?? "") }));
    case "response.output_audio_transcript.done":
      return itemId === null ? state : withAssistant(state, itemId, (turn) => ({ ...turn, assistant: text(event, "transcript") ?? turn.assistant }));
    case "error": {
      const error = event["error"];
      const fields = typeof error === "object" && error !== null ? (error as RealtimeServerEvent) : { type: "error" };
      return { ...state, error: { code: text(fields, "code") ?? text(fields, "type") ?? "error", message: text(fields, "message") ?? "" } };
    }
    case ENDED_EVENT:
      return { ...state, phase: "ended", end: { reason: text(event, "reason") ?? "closed" } };
    default:
      return state;
  }
}

/** The turn of the user's item, a new one if it has none yet. */
function withUser(state: ConversationState, itemId: string, change: (turn: ConversationTurn) => ConversationTurn): ConversationState {
  const index = state.turns.findIndex((turn) => turn.userItemId === itemId);
  if (index >= 0) return replaceTurn(state, index, change);
  return { ...state, turns: [...state.turns, change(newTurn({ userItemId: itemId }))] };
}

/**
 * The turn of the assistant's item: the one that has it, else the newest turn while it has no reply yet (the answer
 * to what was just said), else a new one (a reply nobody asked for, e.g. a greeting).
 */
function withAssistant(state: ConversationState, itemId: string, change: (turn: ConversationTurn) => ConversationTurn): ConversationState {
  const index = state.turns.findIndex((turn) => turn.assistantItemId === itemId);
  if (index >= 0) return replaceTurn(state, index, change);
  const last = state.turns.length - 1;
  if (last >= 0 && state.turns[last]?.assistantItemId === null) return replaceTurn(state, last, (turn) => change({ ...turn, assistantItemId: itemId }));
  return { ...state, turns: [...state.turns, change(newTurn({ assistantItemId: itemId }))] };
}

function replaceTurn(state: ConversationState, index: number, change: (turn: ConversationTurn) => ConversationTurn): ConversationState {
  const turns = state.turns.slice();
  const turn = turns[index];
  if (!turn) return state;
  const changed = change(turn);
  if (changed === turn) return state;
  turns[index] = changed;
  return { ...state, turns };
}

function newTurn(ids: Partial<Pick<ConversationTurn, "userItemId" | "assistantItemId">>): ConversationTurn {
  return { userItemId: null, user: "", assistantItemId: null, assistant: "", interrupted: false, ...ids };
}

function text(event: RealtimeServerEvent, field: string): string | null {
  const value = event[field];
  return typeof value === "string" ? value : null;
}

/** How a close the page did not ask for ends the conversation (a hang-up is `hangup` and never gets here). */
export function endOfClose(code: number, reason: string): ConversationEnd {
  return { reason: code === 1000 ? "closed" : "disconnected", code, detail: reason || undefined };
}
