import { describe, expect, it } from "vitest";
import { DeckardProblemError, initialConversationState, RealtimeConnectError, type ConversationState } from "../lib/agents";
import { describePhase, isLiveConversation, joinErrorView, pickConversation } from "./conversation";
import { API, SESSION_ID, event, session } from "./test-support";

const ready = event(2, "conversation.ready", { sessionId: SESSION_ID, realtime: `/api/sessions/${SESSION_ID}/realtime` });
const turn = event(3, "turn.completed", {
  turn: 1,
  user: "Tell me about the sea.",
  assistant: "The sea is deep.",
  audio: { artifactId: "a1", durationMs: 1200 },
  interrupted: false,
  complete: true,
  lipsync: true,
});
const ended = event(4, "conversation.ended", { sessionId: SESSION_ID, reason: "hangup", turns: 1 });

function live(overrides: Partial<ConversationState> = {}): ConversationState {
  return { ...initialConversationState(), phase: "listening", ...overrides };
}

describe("isLiveConversation", () => {
  it("is live from conversation.ready until the conversation or the session ends", () => {
    expect(isLiveConversation([ready], null)).toBe(true);
    expect(isLiveConversation([ready, turn], null)).toBe(true);
    expect(isLiveConversation([ready, turn, ended], null)).toBe(false);
    expect(isLiveConversation([ready, event(5, "session.cancelled", { sessionId: SESSION_ID })], null)).toBe(false);
    expect(isLiveConversation([], null)).toBe(false);
  });

  it("trusts a conversing session with a socket link when the events have not said so (yet)", () => {
    const conversing = session({ status: "conversing", links: { ...session().links, realtime: `/api/sessions/${SESSION_ID}/realtime` } });
    expect(isLiveConversation([], conversing)).toBe(true);
    expect(isLiveConversation([], session({ status: "conversing" }))).toBe(false);
  });
});

describe("pickConversation", () => {
  it("shows nothing for a session without a conversation", () => {
    expect(pickConversation(null, [event(1, "session.created", { sessionId: SESSION_ID, status: "queued", input: "voice", firstStep: "transcribe" })], null)).toBeNull();
  });

  it("shows the joined conversation's phase, turns and counts", () => {
    const view = pickConversation(
      live({
        phase: "speaking",
        replies: 2,
        bargeIns: 1,
        playedMs: 3400,
        turns: [{ userItemId: "u1", user: "Hi", assistantItemId: "a1", assistant: "Hello", interrupted: true }],
      }),
      [ready],
      null,
    );
    expect(view).toEqual({
      state: "speaking",
      status: "Assistant speaking",
      turns: [{ user: "Hi", assistant: "Hello", interrupted: true }],
      playedMs: 3400,
      replies: 2,
      bargeIns: 1,
      muted: false,
      canHangUp: true,
      canMute: true,
      canRejoin: false,
      error: null,
    });
  });

  it("offers a rejoin, not the microphone, for a live conversation this page has not joined (a reload)", () => {
    const view = pickConversation(null, [ready, turn], null);
    expect(view).toMatchObject({ state: "idle", canRejoin: true, canHangUp: false, turns: [{ user: "Tell me about the sea.", assistant: "The sea is deep.", interrupted: false }] });
  });

  it("offers a rejoin after the connection dropped, but not after hanging up", () => {
    const dropped = live({ phase: "ended", end: { reason: "disconnected", code: 1011, detail: "Upstream lost." } });
    expect(pickConversation(dropped, [ready], null)).toMatchObject({ state: "ended", status: "Ended: disconnected (Upstream lost.)", canRejoin: true, canHangUp: false });
    const hungUp = live({ phase: "ended", end: { reason: "hangup" } });
    expect(pickConversation(hungUp, [ready], null)).toMatchObject({ status: "Ended: hangup", canRejoin: false });
  });

  it("shows a past conversation's turns and how it ended", () => {
    expect(pickConversation(null, [ready, turn, ended], null)).toMatchObject({ state: "ended", status: "Ended: hangup", canRejoin: false, turns: [{ user: "Tell me about the sea." }] });
  });

  it("shows the socket's last error", () => {
    expect(pickConversation(live({ error: { code: "rate_limit_exceeded", message: "Slow down." } }), [ready], null)?.error).toBe("Slow down. (rate_limit_exceeded)");
  });
});

describe("the words", () => {
  it("describes each phase", () => {
    expect(describePhase(live({ phase: "connecting" }))).toBe("Connecting…");
    expect(describePhase(live())).toBe("Listening");
    expect(describePhase(live({ muted: true }))).toBe("Listening (muted)");
    expect(describePhase(live({ phase: "speaking" }))).toBe("Assistant speaking");
    expect(describePhase(live({ phase: "ended", end: { reason: "idle" } }))).toBe("Ended: idle");
  });

  it("explains why joining failed", () => {
    expect(joinErrorView(new DOMException("denied", "NotAllowedError"), API)).toMatchObject({ code: "microphone-denied" });
    expect(joinErrorView(new DeckardProblemError(409, { title: "Conversation ended", code: "conversation-ended" }), API)).toMatchObject({ code: "conversation-ended" });
    expect(joinErrorView(new RealtimeConnectError(1006, ""), API)).toMatchObject({ code: "realtime-unavailable" });
    expect(joinErrorView(new TypeError("Failed to fetch"), API)).toMatchObject({ code: "network" });
  });
});
