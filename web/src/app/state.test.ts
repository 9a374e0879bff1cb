import { describe, expect, it } from "vitest";
import { initialConversationState } from "../lib/agents";
import { buildOptions } from "./options";
import { canStart, hasTerminalEvent, initialState, reduce, statusOfSession, type Action, type AppState } from "./state";
import { SESSION_ID, event, session } from "./test-support";

function run(actions: Action[], from: AppState = initialState()): AppState {
  return actions.reduce(reduce, from);
}

const created: Action = { type: "created", session: session({ status: "queued" }) };
const started = (id: number, step: string, attempt = 1): Action => ({ type: "event", event: event(id, "step.started", { step, attempt }) });

describe("a voice session", () => {
  it("goes idle → recording → uploading → waiting → completed", () => {
    const statuses: string[] = [];
    let state = initialState();
    statuses.push(state.status);
    for (const action of [
      { type: "record-start" },
      { type: "record-stop" },
      created,
      started(2, "transcribe"),
      { type: "event", event: event(3, "transcript.ready", { transcript: "hello" }) },
      { type: "event", event: event(4, "session.completed", { sessionId: SESSION_ID }) },
    ] satisfies Action[]) {
      state = reduce(state, action);
      statuses.push(state.status);
    }
    expect(statuses).toEqual(["idle", "recording", "uploading", "waiting", "waiting", "waiting", "completed"]);
    expect(state.sessionId).toBe(SESSION_ID);
    expect(state.timeline.map((entry) => entry.text)).toEqual(["Transcribing", "Heard: hello", "Completed"]);
    expect(state.live.transcript).toBe("hello");
  });

  it("goes back to idle with a hint when the button was only tapped", () => {
    const state = run([{ type: "record-start" }, { type: "record-discarded", hint: "Hold the button while you speak." }]);
    expect(state.status).toBe("idle");
    expect(state.hint).toBe("Hold the button while you speak.");
  });

  it("fails with the problem when the upload is refused", () => {
    const state = run([
      { type: "record-start" },
      { type: "record-stop" },
      { type: "error", error: { title: "Unsupported audio", detail: "The upload is not audio Deckard can read.", code: "audio-unsupported" } },
    ]);
    expect(state.status).toBe("failed");
    expect(state.error?.code).toBe("audio-unsupported");
    expect(state.sessionId).toBeNull();
  });
});

describe("while a session runs", () => {
  const waiting = run([{ type: "submit" }, created]);

  it("shows retrying after step.retrying until the next thing happens", () => {
    const retrying = reduce(waiting, { type: "event", event: event(2, "step.retrying", { step: "web_search", attempt: 1, retryInMs: 2000, reason: "503" }) });
    expect(retrying.status).toBe("retrying");
    expect(reduce(retrying, started(3, "web_search", 2)).status).toBe("waiting");
  });

  it("fails with session.failed's reason", () => {
    const state = reduce(waiting, { type: "event", event: event(2, "session.failed", { sessionId: SESSION_ID, reason: "No speech was found in the recording." }) });
    expect(state.status).toBe("failed");
    expect(state.error).toEqual({ title: "The session failed", detail: "No speech was found in the recording." });
  });

  it("ends cancelled on session.cancelled", () => {
    expect(reduce(waiting, { type: "event", event: event(2, "session.cancelled", { sessionId: SESSION_ID }) }).status).toBe("cancelled");
  });

  it("drives the lip-sync bar from start to done", () => {
    let state = reduce(waiting, started(2, "lipsync"));
    expect(state.progress).toMatchObject({ stage: "starting", percent: 0 });
    state = reduce(state, { type: "event", event: event(3, "lipsync.progress", { stage: "rendering", submission: 1, elapsedMs: 30_000, estimatedTotalMs: 60_000, etaMs: 30_000 }) });
    expect(state.progress).toMatchObject({ stage: "rendering", percent: 50, text: "about 30 s left" });
    state = reduce(state, {
      type: "event",
      event: event(4, "step.completed", { step: "lipsync", attempt: 1, usage: { model: "stableavatar", inputTokens: null, outputTokens: null, totalTokens: null } }),
    });
    expect(state.progress).toMatchObject({ stage: "done", percent: 100 });
  });

  it("ignores an event it already has (a resumed stream)", () => {
    const once = reduce(waiting, started(2, "classify"));
    expect(reduce(once, started(2, "classify"))).toBe(once);
    expect(reduce(once, started(1, "classify"))).toBe(once);
  });

  it("keeps the answer from answer.ready until the session is loaded", () => {
    const state = reduce(waiting, {
      type: "event",
      event: event(2, "answer.ready", { text: "Everest", spokenText: "Everest", citations: [{ title: "t", url: "https://e.org", startIndex: 0, endIndex: 1 }], model: "m", reused: false }),
    });
    expect(state.live.answer).toEqual({ text: "Everest", citations: [{ title: "t", url: "https://e.org" }], reused: false });
  });

  it("does not start another session while one is recording or uploading", () => {
    expect(canStart("recording")).toBe(false);
    expect(canStart("uploading")).toBe(false);
    expect(canStart("waiting")).toBe(true);
    const uploading = run([{ type: "submit" }]);
    expect(reduce(uploading, { type: "record-start" })).toBe(uploading);
  });
});

describe("opening a session", () => {
  it("takes a finished session's stored status when it loads", () => {
    const state = run([{ type: "open", sessionId: SESSION_ID }, { type: "session", session: session({ status: "completed" }) }]);
    expect(state.status).toBe("completed");
    const failed = run([{ type: "open", sessionId: SESSION_ID }, { type: "session", session: session({ status: "failed", error: "The portrait model refused." }) }]);
    expect(failed.status).toBe("failed");
    expect(failed.error?.detail).toBe("The portrait model refused.");
  });

  it("keeps waiting for a running one, and ignores another session's answer", () => {
    const open = run([{ type: "open", sessionId: SESSION_ID }]);
    expect(reduce(open, { type: "session", session: session({ status: "running" }) }).status).toBe("waiting");
    const other = session({ id: "00000000-0000-0000-0000-000000000000", status: "completed" });
    expect(reduce(open, { type: "session", session: other })).toBe(open);
  });

  it("clears the previous session but keeps the history", () => {
    const page = { items: [], nextCursor: null };
    const before = run([{ type: "history", page }, { type: "submit" }, created, started(2, "classify")]);
    const state = reduce(before, { type: "open", sessionId: "another" });
    expect(state).toMatchObject({ status: "waiting", sessionId: "another", timeline: [], events: [], session: null });
    expect(state.history.items).toBe(page.items);
  });

  it("maps stored statuses and spots a finished stream", () => {
    expect(["queued", "running", "conversing", "completed", "failed", "cancelled"].map(statusOfSession)).toEqual([
      "waiting",
      "waiting",
      "waiting",
      "completed",
      "failed",
      "cancelled",
    ]);
    expect(hasTerminalEvent([event(1, "session.created", { sessionId: SESSION_ID, status: "queued", input: "prompt", firstStep: "classify" })])).toBe(false);
    expect(hasTerminalEvent([event(9, "session.completed", { sessionId: SESSION_ID })])).toBe(true);
  });
});

describe("a live conversation", () => {
  const conversing = run([{ type: "submit" }, created, { type: "event", event: event(2, "conversation.ready", { sessionId: SESSION_ID, realtime: "/r" }) }]);
  const connecting = initialConversationState();

  it("keeps the joined conversation's state, while the session keeps waiting", () => {
    const listening = { ...connecting, phase: "listening" as const };
    const state = run([{ type: "conversation", conversation: connecting }, { type: "conversation", conversation: listening }], conversing);
    expect(state.conversation).toBe(listening);
    expect(state.status).toBe("waiting");
  });

  it("shows why joining failed without failing the session, and clears it on the next try", () => {
    const failed = reduce(conversing, { type: "conversation-failed", error: { title: "Microphone not allowed", code: "microphone-denied" } });
    expect(failed).toMatchObject({ status: "waiting", conversation: null, error: { code: "microphone-denied" } });
    expect(reduce(failed, { type: "conversation", conversation: connecting }).error).toBeNull();
  });

  it("is forgotten when another session is opened", () => {
    const joined = reduce(conversing, { type: "conversation", conversation: connecting });
    expect(reduce(joined, { type: "open", sessionId: "another" }).conversation).toBeNull();
    expect(reduce(initialState(), { type: "conversation", conversation: connecting }).conversation).toBeNull();
  });
});

describe("history", () => {
  it("keeps the last items when a refresh fails", () => {
    const items = [{ id: SESSION_ID, status: "completed", intent: "search", error: null, createdAt: "2026-12-03T18:00:00Z", finishedAt: null, links: session().links }];
    const state = run([{ type: "history", page: { items, nextCursor: null } }, { type: "history-loading" }, { type: "history-error", error: { title: "Cannot reach Deckard", code: "network" } }]);
    expect(state.history).toEqual({ items, loading: false, error: { title: "Cannot reach Deckard", code: "network" } });
  });
});

describe("buildOptions", () => {
  it("sends an intent only when one is chosen", () => {
    expect(buildOptions("auto", true)).toEqual({ lipsync: true });
    expect(buildOptions("search", false)).toEqual({ intent: "search", lipsync: false });
    expect(buildOptions("nonsense", true)).toEqual({ lipsync: true });
  });
});
