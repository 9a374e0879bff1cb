import { describe, expect, it } from "vitest";
import { endOfClose, initialConversationState, reduceConversation, type ConversationInput, type ConversationState, type RealtimeServerEvent } from "./realtime-state";

function run(inputs: ConversationInput[], from: ConversationState = initialConversationState()): ConversationState {
  return inputs.reduce(reduceConversation, from);
}

const server = (type: string, fields: Record<string, unknown> = {}): ConversationInput => ({ type: "event", event: { type, ...fields } as RealtimeServerEvent });
const closed = (code: number): ConversationInput => ({ type: "ended", end: endOfClose(code, "") });

describe("the conversation's phase", () => {
  it("goes connecting → listening → speaking → listening → ended", () => {
    const phases: string[] = [];
    let state = initialConversationState();
    phases.push(state.phase);
    for (const input of [
      { type: "open" },
      { type: "reply-started", itemId: "item_a" },
      { type: "played", playedMs: 400, playing: true },
      { type: "played", playedMs: 900, playing: false },
      server("deckard.conversation.ended", { reason: "idle" }),
    ] satisfies ConversationInput[]) {
      state = reduceConversation(state, input);
      phases.push(state.phase);
    }
    expect(phases).toEqual(["connecting", "listening", "speaking", "speaking", "listening", "ended"]);
    expect(state.end).toEqual({ reason: "idle" });
    expect(state.playedMs).toBe(900);
    expect(state.replies).toBe(1);
  });

  it("ignores whatever trails the end", () => {
    const ended = run([{ type: "open" }, { type: "ended", end: { reason: "hangup" } }]);
    expect(run([{ type: "reply-started", itemId: "item_late" }, closed(1000)], ended)).toBe(ended);
  });

  it("counts barge-ins, marks the cut reply interrupted and listens again", () => {
    const state = run([
      { type: "open" },
      server("input_audio_buffer.committed", { item_id: "item_u1" }),
      { type: "reply-started", itemId: "item_a1" },
      { type: "barge-in", itemIds: ["item_a1"], playedMs: 1200 },
    ]);
    expect(state).toMatchObject({ phase: "listening", bargeIns: 1, playedMs: 1200 });
    expect(state.turns).toEqual([{ userItemId: "item_u1", user: "", assistantItemId: "item_a1", assistant: "", interrupted: true }]);
  });

  it("keeps the last error event and goes on", () => {
    const state = run([{ type: "open" }, server("error", { error: { type: "invalid_request_error", code: "event_not_allowed", message: "No." } })]);
    expect(state.error).toEqual({ code: "event_not_allowed", message: "No." });
    expect(state.phase).toBe("listening");
  });

  it("tells a normal close from a dropped connection", () => {
    expect(endOfClose(1000, "The session is no longer live (cancelled or ended).")).toEqual({
      reason: "closed",
      code: 1000,
      detail: "The session is no longer live (cancelled or ended).",
    });
    expect(endOfClose(1011, "")).toEqual({ reason: "disconnected", code: 1011, detail: undefined });
    expect(endOfClose(1006, "")).toMatchObject({ reason: "disconnected" });
  });
});

describe("the turns", () => {
  it("pairs each thing said with its reply, whatever order the transcripts arrive in", () => {
    const state = run([
      { type: "open" },
      server("input_audio_buffer.committed", { item_id: "item_u1" }),
      server("response.output_audio_transcript.delta", { item_id: "item_a1", delta: "The sea " }),
      { type: "reply-started", itemId: "item_a1" },
      server("conversation.item.input_audio_transcription.completed", { item_id: "item_u1", transcript: "Tell me about the sea." }),
      server("response.output_audio_transcript.delta", { item_id: "item_a1", delta: "is deep" }),
      server("response.output_audio_transcript.done", { item_id: "item_a1", transcript: "The sea is deep." }),
      server("input_audio_buffer.committed", { item_id: "item_u2" }),
      { type: "reply-started", itemId: "item_a2" },
      server("response.output_audio_transcript.done", { item_id: "item_a2", transcript: "Whales sing." }),
      server("conversation.item.input_audio_transcription.completed", { item_id: "item_u2", transcript: "What about whales?" }),
    ]);
    expect(state.turns.map(({ user, assistant }) => ({ user, assistant }))).toEqual([
      { user: "Tell me about the sea.", assistant: "The sea is deep." },
      { user: "What about whales?", assistant: "Whales sing." },
    ]);
    expect(state.replies).toBe(2);
  });

  it("shows a reply's transcript as its deltas arrive", () => {
    const state = run([
      { type: "open" },
      server("response.output_audio_transcript.delta", { item_id: "item_a1", delta: "Hello" }),
      server("response.output_audio_transcript.delta", { item_id: "item_a1", delta: ", there" }),
    ]);
    expect(state.turns).toEqual([{ userItemId: null, user: "", assistantItemId: "item_a1", assistant: "Hello, there", interrupted: false }]);
  });

  it("gives a reply nobody asked for (a greeting) a turn of its own", () => {
    const state = run([
      { type: "open" },
      { type: "reply-started", itemId: "item_greeting" },
      server("input_audio_buffer.committed", { item_id: "item_u1" }),
      { type: "reply-started", itemId: "item_a1" },
    ]);
    expect(state.turns.map((turn) => [turn.userItemId, turn.assistantItemId])).toEqual([
      [null, "item_greeting"],
      ["item_u1", "item_a1"],
    ]);
  });

  it("leaves the state alone for events it does not follow", () => {
    const open = run([{ type: "open" }]);
    expect(run([server("session.updated"), server("response.done"), server("response.output_audio_transcript.delta", { delta: "no item" })], open)).toBe(open);
  });
});
