import { DeckardProblemError, RealtimeConnectError, TERMINAL_EVENT_TYPES, type ConversationState, type Session, type SessionStreamEvent } from "../lib/agents";
import { toErrorView, type ErrorView } from "./errors";
import { microphoneErrorView } from "./recorder";

/** data-state on the conversation panel: the live phase, or "idle" while the page has not joined a live conversation. */
export type ConversationPanelState = ConversationState["phase"] | "idle";

export interface TurnView {
  user: string;
  assistant: string;
  interrupted: boolean;
}

/** What the conversation panel shows. */
export interface ConversationView {
  state: ConversationPanelState;
  /** data-testid="conversation-status": "Listening", "Assistant speaking", "Ended: hangup", ... */
  status: string;
  turns: TurnView[];
  playedMs: number;
  replies: number;
  bargeIns: number;
  muted: boolean;
  canHangUp: boolean;
  canMute: boolean;
  /** Offered instead of taking the microphone unasked: after a reload, or when the connection dropped. */
  canRejoin: boolean;
  /** The last `error` event of the socket. */
  error: string | null;
}

/** Ends after which the conversation is still live on the server: joining again goes on with the next turn. */
const REJOINABLE_ENDS = new Set(["disconnected", "left"]);

/**
 * Whether the session's conversation is live: it became ready (or the session says it is conversing, with a socket
 * link) and neither its end nor the session's has come since.
 */
export function isLiveConversation(events: readonly SessionStreamEvent[], session: Session | null): boolean {
  if (events.some((event) => event.type === "conversation.ended" || TERMINAL_EVENT_TYPES.has(event.type))) return false;
  return events.some((event) => event.type === "conversation.ready") || (session?.status === "conversing" && Boolean(session.links.realtime));
}

/** A person's words for the live phase. */
export function describePhase(conversation: Pick<ConversationState, "phase" | "end" | "muted">): string {
  switch (conversation.phase) {
    case "connecting":
      return "Connecting…";
    case "listening":
      return conversation.muted ? "Listening (muted)" : "Listening";
    case "speaking":
      return "Assistant speaking";
    case "ended": {
      const detail = conversation.end?.detail ? ` (${conversation.end.detail})` : "";
      return `Ended: ${conversation.end?.reason ?? "closed"}${detail}`;
    }
  }
}

/**
 * The panel for the session on screen, or null when it has no conversation. The live state of a conversation this page
 * joined wins; otherwise (a session opened from the history or after a reload) its events tell the turns and the end.
 */
export function pickConversation(
  conversation: ConversationState | null,
  events: readonly SessionStreamEvent[],
  session: Session | null,
): ConversationView | null {
  const live = isLiveConversation(events, session);
  if (conversation) {
    const connected = conversation.phase === "listening" || conversation.phase === "speaking";
    return {
      state: conversation.phase,
      status: describePhase(conversation),
      turns: conversation.turns.map(({ user, assistant, interrupted }) => ({ user, assistant, interrupted })),
      playedMs: conversation.playedMs,
      replies: conversation.replies,
      bargeIns: conversation.bargeIns,
      muted: conversation.muted,
      canHangUp: connected,
      canMute: connected,
      canRejoin: live && conversation.phase === "ended" && REJOINABLE_ENDS.has(conversation.end?.reason ?? ""),
      error: conversation.error ? `${conversation.error.message || "Error"} (${conversation.error.code})` : null,
    };
  }

  const ended = events.find((event) => event.type === "conversation.ended");
  if (!live && !ended && !events.some((event) => event.type === "conversation.ready")) return null;
  const turns: TurnView[] = [];
  for (const event of events) {
    if (event.type === "turn.completed") turns.push({ user: event.data.user ?? "", assistant: event.data.assistant ?? "", interrupted: event.data.interrupted });
  }
  return {
    state: live ? "idle" : "ended",
    status: live ? "Live: Rejoin to talk" : ended ? `Ended: ${ended.data.reason}` : "Ended",
    turns,
    playedMs: 0,
    replies: 0,
    bargeIns: 0,
    muted: false,
    canHangUp: false,
    canMute: false,
    canRejoin: live,
    error: null,
  };
}

/** Why joining failed, as the page shows it: the microphone's reasons, Deckard's problem, or the socket refused. */
export function joinErrorView(error: unknown, apiBase: string, pageOrigin?: string): ErrorView {
  if (error instanceof RealtimeConnectError) {
    return { title: "Could not join the conversation", detail: `the connection was refused or lost (close ${error.code}); try Rejoin`, code: "realtime-unavailable" };
  }
  if (error instanceof DeckardProblemError || error instanceof TypeError) return toErrorView(error, apiBase, pageOrigin);
  return microphoneErrorView(error);
}
