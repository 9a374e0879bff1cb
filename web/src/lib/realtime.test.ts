import { describe, expect, it, vi } from "vitest";
import { createDeckardClient, DeckardProblemError, type Ticket } from "./agents";
import { base64ToBytes, encodePcm16 } from "./audio/pcm16";
import type { ConversationAudio } from "./audio/web-audio";
import { connectRealtime, RealtimeConnectError, realtimeSocketUrl, type RealtimeOptions, type RealtimeSocket } from "./realtime";
import type { ConversationState } from "./realtime-state";

const SESSION_ID = "0b9f5c8e-3a4d-4c1e-9f7a-2d6b8e1c4a10";
const REALTIME_PATH = `/api/sessions/${SESSION_ID}/realtime?ticket=tk_1`;

/** A WebSocket the test drives by hand; like a browser's, it delivers nothing once close() was called. */
class FakeSocket extends EventTarget implements RealtimeSocket {
  readyState = 0;
  readonly sent: { type: string; [field: string]: unknown }[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {
    super();
  }

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }

  receive(type: string, fields: Record<string, unknown> = {}) {
    if (this.readyState === 1) this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify({ type, ...fields }) }));
  }

  /** The server (or the network) closes it. */
  drop(code: number, reason = "") {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason }));
  }

  sentOf(type: string) {
    return this.sent.filter((event) => event.type === type);
  }
}

/** Speakers on a clock the test moves, and a microphone it speaks into. */
class FakeAudio implements ConversationAudio {
  time = 10;
  playing: { samples: number; when: number; onEnded: () => void }[] = [];
  microphone: ((pcm16: Uint8Array) => void) | null = null;
  refuse: Error | null = null;
  muted = false;
  stops = 0;
  closed = false;

  now() {
    return this.time;
  }

  async startMicrophone(onChunk: (pcm16: Uint8Array) => void) {
    if (this.refuse) throw this.refuse;
    this.microphone = onChunk;
  }

  setMuted(muted: boolean) {
    this.muted = muted;
  }

  play(samples: Float32Array, when: number, onEnded: () => void) {
    this.playing.push({ samples: samples.length, when, onEnded });
  }

  stopPlayback() {
    this.stops++;
    this.playing = [];
  }

  close() {
    this.closed = true;
  }

  /** Moves the clock; chunks that finished by then end, in order. */
  advance(seconds: number) {
    this.time += seconds;
    for (const chunk of [...this.playing]) {
      if (chunk.when + chunk.samples / 24_000 > this.time + 1e-9) continue;
      this.playing = this.playing.filter((other) => other !== chunk);
      chunk.onEnded();
    }
  }
}

/** Base64 PCM16 of `ms` milliseconds at 24 kHz. */
function audioOf(ms: number): string {
  return btoa(String.fromCharCode(...encodePcm16(new Float32Array((ms * 24_000) / 1000).fill(0.25))));
}

function ticketSource(baseUrl = "http://localhost:5080") {
  const createTicket = vi.fn(
    async (): Promise<Ticket> => ({ ticket: "tk_1", expiresAt: "2026-12-03T18:01:00Z", events: `/api/sessions/${SESSION_ID}/events?ticket=tk_1`, realtime: REALTIME_PATH }),
  );
  return { baseUrl, createTicket };
}

/** Connects through fakes and opens the socket as soon as it exists. */
async function connected(options: RealtimeOptions = {}) {
  const audio = new FakeAudio();
  const sockets: FakeSocket[] = [];
  const states: ConversationState[] = [];
  const source = ticketSource();
  const pending = connectRealtime(source, SESSION_ID, {
    onStateChange: (state) => states.push(state),
    ...options,
    createAudio: () => audio,
    WebSocket: class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
        queueMicrotask(() => this.open());
      }
    },
  });
  const conversation = await pending;
  const socket = sockets[0];
  if (!socket) throw new Error("no socket was opened");
  return { conversation, socket, audio, states, source };
}

describe("realtimeSocketUrl", () => {
  it("puts the ticket's path on the API's origin, http as ws and https as wss", () => {
    expect(realtimeSocketUrl("http://localhost:5080", REALTIME_PATH)).toBe(`ws://localhost:5080${REALTIME_PATH}`);
    expect(realtimeSocketUrl("https://deckard.example/", REALTIME_PATH)).toBe(`wss://deckard.example${REALTIME_PATH}`);
    expect(realtimeSocketUrl("https://example.org/deckard", REALTIME_PATH)).toBe(`wss://example.org/deckard${REALTIME_PATH}`);
    expect(realtimeSocketUrl("", REALTIME_PATH, "https://app.example/page#session=1")).toBe(`wss://app.example${REALTIME_PATH}`);
  });
});

describe("connecting", () => {
  it("takes the microphone, a ticket and the socket, then listens and streams the microphone as appends", async () => {
    const { conversation, socket, audio, source } = await connected();
    expect(source.createTicket).toHaveBeenCalledWith(SESSION_ID, undefined);
    expect(socket.url).toBe(`ws://localhost:5080${REALTIME_PATH}`);
    expect(conversation.state.phase).toBe("listening");

    const chunk = encodePcm16(new Float32Array(2400).fill(0.1));
    audio.microphone?.(chunk);
    const [append] = socket.sentOf("input_audio_buffer.append");
    expect(base64ToBytes(String(append?.["audio"]))).toEqual(chunk);
  });

  it("goes through the client: the ticket is asked for with the bearer token", async () => {
    const requests: Request[] = [];
    const client = createDeckardClient({
      baseUrl: "https://deckard.test",
      token: "dk_test",
      fetch: async (request) => {
        requests.push(request);
        return new Response(JSON.stringify({ ticket: "tk_1", expiresAt: "2026-12-03T18:01:00Z", events: "/e", realtime: REALTIME_PATH }), {
          headers: { "Content-Type": "application/json" },
        });
      },
    });
    const urls: string[] = [];
    const conversation = await client.connectConversation(SESSION_ID, {
      createAudio: () => new FakeAudio(),
      WebSocket: class extends FakeSocket {
        constructor(url: string) {
          super(url);
          urls.push(url);
          queueMicrotask(() => this.open());
        }
      },
    });
    expect(requests.map((request) => [request.method, new URL(request.url).pathname, request.headers.get("Authorization")])).toEqual([
      ["POST", `/api/sessions/${SESSION_ID}/tickets`, "Bearer dk_test"],
    ]);
    expect(urls).toEqual([`wss://deckard.test${REALTIME_PATH}`]);
    conversation.hangUp();
  });

  it("fails with the microphone's error before asking for a ticket, and releases the audio", async () => {
    const audio = new FakeAudio();
    audio.refuse = new DOMException("Permission denied", "NotAllowedError");
    const source = ticketSource();
    await expect(connectRealtime(source, SESSION_ID, { createAudio: () => audio, WebSocket: FakeSocket })).rejects.toMatchObject({ name: "NotAllowedError" });
    expect(source.createTicket).not.toHaveBeenCalled();
    expect(audio.closed).toBe(true);
  });

  it("fails with the ticket's problem (e.g. the conversation ended) without opening a socket", async () => {
    const audio = new FakeAudio();
    const source = ticketSource();
    source.createTicket.mockRejectedValueOnce(new DeckardProblemError(409, { title: "Conversation ended", code: "conversation-ended" }));
    const Socket = vi.fn();
    await expect(connectRealtime(source, SESSION_ID, { createAudio: () => audio, WebSocket: Socket as never })).rejects.toMatchObject({ code: "conversation-ended" });
    expect(Socket).not.toHaveBeenCalled();
    expect(audio.closed).toBe(true);
  });

  it("fails with a RealtimeConnectError when the socket closes before it opened", async () => {
    const audio = new FakeAudio();
    const pending = connectRealtime(ticketSource(), SESSION_ID, {
      createAudio: () => audio,
      WebSocket: class extends FakeSocket {
        constructor(url: string) {
          super(url);
          queueMicrotask(() => this.drop(1006));
        }
      },
    });
    await expect(pending).rejects.toBeInstanceOf(RealtimeConnectError);
    await expect(pending).rejects.toMatchObject({ code: 1006 });
    expect(audio.closed).toBe(true);
  });
});

describe("the assistant's audio", () => {
  it("is played back to back, counted as one reply, and its played time follows the clock", async () => {
    const { conversation, socket, audio } = await connected();
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(100) });
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(200) });
    const [first, second] = audio.playing;
    expect(second?.when).toBeCloseTo((first?.when ?? NaN) + 0.1, 9);
    expect(conversation.state).toMatchObject({ phase: "speaking", replies: 1 });

    audio.advance(0.15); // the first chunk (after the start-up lead) has played
    expect(conversation.state.phase).toBe("speaking");
    expect(conversation.state.playedMs).toBeGreaterThanOrEqual(100);
    audio.advance(1);
    expect(conversation.state).toMatchObject({ phase: "listening", playedMs: 300 });
  });

  it("stops when the person speaks over it, and truncates the reply where they stopped hearing it", async () => {
    const cuts: unknown[] = [];
    const { conversation, socket, audio } = await connected({ onBargeIn: (cut) => cuts.push(cut) });
    socket.receive("input_audio_buffer.committed", { item_id: "item_u1" });
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(1000) });
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(1000) });
    const start = audio.playing[0]?.when ?? NaN;
    audio.advance(start - audio.time + 1.2);

    socket.receive("input_audio_buffer.speech_started", { item_id: "item_u2", audio_start_ms: 5000 });
    expect(audio.stops).toBe(1);
    expect(audio.playing).toEqual([]);
    expect(socket.sentOf("conversation.item.truncate")).toEqual([{ type: "conversation.item.truncate", item_id: "item_a1", content_index: 0, audio_end_ms: 1200 }]);
    expect(cuts).toEqual([{ itemId: "item_a1", playedMs: 1200 }]);
    expect(conversation.state).toMatchObject({ phase: "listening", bargeIns: 1, playedMs: 1200 });
    expect(conversation.state.turns[0]).toMatchObject({ assistantItemId: "item_a1", interrupted: true });

    // The rest of the cut reply, still in flight, is not played; the next reply is.
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(100) });
    expect(audio.playing).toEqual([]);
    socket.receive("response.output_audio.delta", { item_id: "item_a2", delta: audioOf(100) });
    expect(audio.playing).toHaveLength(1);
    expect(conversation.state).toMatchObject({ phase: "speaking", replies: 2 });
  });

  it("truncates nothing when the person speaks after the reply has finished", async () => {
    const { conversation, socket, audio } = await connected();
    socket.receive("response.output_audio.delta", { item_id: "item_a1", delta: audioOf(100) });
    audio.advance(1);
    socket.receive("input_audio_buffer.speech_started", { item_id: "item_u2" });
    expect(socket.sentOf("conversation.item.truncate")).toEqual([]);
    expect(conversation.state.bargeIns).toBe(0);
  });
});

describe("transcripts, errors and the end", () => {
  it("reports what each side said", async () => {
    const transcripts: unknown[] = [];
    const { socket } = await connected({ onTranscript: (transcript) => transcripts.push(transcript) });
    socket.receive("input_audio_buffer.committed", { item_id: "item_u1" });
    socket.receive("conversation.item.input_audio_transcription.completed", { item_id: "item_u1", content_index: 0, transcript: "Tell me about the sea." });
    socket.receive("response.output_audio_transcript.delta", { item_id: "item_a1", delta: "The sea" });
    socket.receive("response.output_audio_transcript.done", { item_id: "item_a1", transcript: "The sea is deep." });
    expect(transcripts).toEqual([
      { role: "user", itemId: "item_u1", text: "Tell me about the sea.", final: true },
      { role: "assistant", itemId: "item_a1", text: "The sea", final: false },
      { role: "assistant", itemId: "item_a1", text: "The sea is deep.", final: true },
    ]);
  });

  it("reports error events and stays connected", async () => {
    const onError = vi.fn();
    const { conversation, socket } = await connected({ onError });
    socket.receive("error", { error: { type: "invalid_request_error", code: "rate_limit_exceeded", message: "Slow down." } });
    expect(onError).toHaveBeenCalledWith({ code: "rate_limit_exceeded", message: "Slow down." });
    expect(conversation.state.phase).toBe("listening");
    expect(socket.closedWith).toBeNull();
  });

  it("ends with Deckard's reason, releasing the microphone at once", async () => {
    const onEnded = vi.fn();
    const { conversation, socket, audio } = await connected({ onEnded });
    socket.receive("deckard.conversation.ended", { reason: "idle" });
    expect(audio.closed).toBe(true);
    socket.drop(1000, "The conversation ended.");
    await expect(conversation.ended).resolves.toEqual({ reason: "idle" });
    expect(onEnded).toHaveBeenCalledTimes(1);
    expect(conversation.state.end).toEqual({ reason: "idle" });
  });

  it("hangs up with a normal close", async () => {
    const { conversation, socket, audio, states } = await connected();
    conversation.hangUp();
    expect(socket.closedWith).toEqual({ code: 1000, reason: "hangup" });
    expect(audio.closed).toBe(true);
    await expect(conversation.ended).resolves.toEqual({ reason: "hangup" });
    expect(states.at(-1)).toMatchObject({ phase: "ended", end: { reason: "hangup" } });
    audio.microphone?.(new Uint8Array(4800));
    expect(socket.sentOf("input_audio_buffer.append")).toEqual([]);
  });

  it("ends as disconnected when the connection drops, with the close's code and reason", async () => {
    const { conversation, socket, audio } = await connected();
    socket.drop(1011, "The Realtime API closed the connection.");
    await expect(conversation.ended).resolves.toEqual({ reason: "disconnected", code: 1011, detail: "The Realtime API closed the connection." });
    expect(audio.closed).toBe(true);
  });

  it("leaves without hanging up when its signal aborts, so the conversation can be joined again", async () => {
    const controller = new AbortController();
    const { conversation, socket } = await connected({ signal: controller.signal });
    controller.abort();
    expect(socket.closedWith?.code).toBe(4000);
    await expect(conversation.ended).resolves.toEqual({ reason: "left" });
  });

  it("mutes the microphone", async () => {
    const { conversation, audio } = await connected();
    conversation.mute(true);
    expect(audio.muted).toBe(true);
    expect(conversation.state.muted).toBe(true);
  });
});
