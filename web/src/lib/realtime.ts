/**
 * Joins a live conversation (a session in status `conversing`) from a browser: a single-use ticket, then the
 * WebSocket to Deckard's Realtime proxy, the microphone streamed up as PCM16 24 kHz, the assistant's audio played
 * gaplessly, and barge-in (the person speaking over a reply stops it and truncates it where they stopped hearing it).
 *
 *   const conversation = await deckard.connectConversation(sessionId, { onStateChange: render });
 *   conversation.hangUp(); // ends the conversation: Deckard stores its turns and completes the session
 */
import type { Ticket } from "./agents";
import { PlaybackSchedule, type Cut } from "./audio/playback-schedule";
import { base64ToBytes, bytesToBase64, decodePcm16, PCM16_SAMPLE_RATE } from "./audio/pcm16";
import { createWebAudio, type ConversationAudio } from "./audio/web-audio";
import {
  endOfClose,
  ENDED_EVENT,
  initialConversationState,
  reduceConversation,
  type ConversationEnd,
  type ConversationInput,
  type ConversationState,
  type RealtimeErrorInfo,
  type RealtimeServerEvent,
} from "./realtime-state";

/** The part of WebSocket used here, so tests can stand in for it. */
export interface RealtimeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: Event) => void): void;
}
export type RealtimeSocketConstructor = new (url: string) => RealtimeSocket;

const OPEN = 1;
/** A normal close: Deckard takes it as hanging up, and ends the conversation. */
const HANG_UP = 1000;
/** Any other code leaves the conversation live, to be joined again (4000-4999 are the application's own). */
const LEAVE = 4000;

export interface Transcript {
  role: "user" | "assistant";
  itemId: string;
  /** The whole text so far. */
  text: string;
  /** False while an assistant reply's transcript is still arriving. */
  final: boolean;
}

export interface RealtimeOptions {
  /** Every change: the phase, the turns, the counts. */
  onStateChange?: (state: ConversationState) => void;
  onTranscript?: (transcript: Transcript) => void;
  /** The person spoke over a reply: it stopped, and was truncated after `playedMs`. */
  onBargeIn?: (cut: Cut) => void;
  /** An `error` event (a refused client event, an upstream error); the conversation goes on. */
  onError?: (error: RealtimeErrorInfo) => void;
  onEnded?: (end: ConversationEnd) => void;
  /** Every event the socket delivered, as it came (after the helper handled it). */
  onEvent?: (event: RealtimeServerEvent) => void;
  /** Aborting leaves without hanging up (ended with reason `left`): the conversation stays live for a rejoin. */
  signal?: AbortSignal;
  /** Defaults to the global WebSocket. */
  WebSocket?: RealtimeSocketConstructor;
  /** Defaults to the browser's microphone and speakers (web-audio.ts). */
  createAudio?: () => ConversationAudio;
}

export interface Conversation {
  readonly state: ConversationState;
  /** Settles when the conversation ends, however it ends. */
  readonly ended: Promise<ConversationEnd>;
  /** Ends the conversation (a normal close) and releases the microphone and the audio. */
  hangUp(): void;
  mute(muted: boolean): void;
  /** Sends a client event as it is (e.g. `response.create`); false when the socket is not open. */
  send(event: { type: string; [field: string]: unknown }): boolean;
}

/** What connecting needs from the client: where Deckard is, and a ticket for the socket. */
export interface RealtimeTicketSource {
  /** Deckard's origin, "" for the page's own. */
  baseUrl: string;
  createTicket(sessionId: string, signal?: AbortSignal): Promise<Ticket>;
}

/** The socket could not be opened (the browser tells no more: a refused upgrade and a network failure look alike). */
export class RealtimeConnectError extends Error {
  override readonly name = "RealtimeConnectError";
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`Could not open the conversation's socket (close ${code}${reason ? `: ${reason}` : ""}).`);
  }
}

/** The socket's URL for a ticket's `realtime` path: the API's origin with http→ws, https→wss. */
export function realtimeSocketUrl(baseUrl: string, path: string, pageUrl?: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}${path}`, pageUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

/**
 * Connects: the microphone first (so a refusal costs no ticket and touches no conversation), then the ticket and the
 * socket. Resolves once the socket is open; rejects with the microphone's DOMException, the ticket's
 * DeckardProblemError or a RealtimeConnectError, having released whatever it had taken.
 */
export async function connectRealtime(source: RealtimeTicketSource, sessionId: string, options: RealtimeOptions = {}): Promise<Conversation> {
  const { signal } = options;
  signal?.throwIfAborted();
  const SocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: RealtimeSocketConstructor }).WebSocket;
  if (!SocketImpl) throw new DOMException("This browser has no WebSocket.", "NotSupportedError");
  // Before any await: an AudioContext made during the caller's click may play.
  const audio = (options.createAudio ?? createWebAudio)();
  const schedule = new PlaybackSchedule();
  /** Replies the person cut short: their audio still in flight is dropped. */
  const cutItems = new Set<string>();
  let state = initialConversationState();
  let socket: RealtimeSocket | null = null;
  let chunksPlaying = 0;
  let finished = false;
  let resolveEnded!: (end: ConversationEnd) => void;
  const ended = new Promise<ConversationEnd>((resolve) => (resolveEnded = resolve));

  function update(input: ConversationInput) {
    const next = reduceConversation(state, input);
    if (next === state) return;
    state = next;
    options.onStateChange?.(state);
  }

  function send(event: { type: string; [field: string]: unknown }): boolean {
    if (socket?.readyState !== OPEN) return false;
    socket.send(JSON.stringify(event));
    return true;
  }

  /** Ends once: releases the audio and tells the caller; the socket is closed (or closing) by then. */
  function finish(end: ConversationEnd) {
    if (finished) return;
    finished = true;
    signal?.removeEventListener("abort", leave);
    audio.close();
    update({ type: "ended", end });
    const final = state.end ?? end;
    options.onEnded?.(final);
    resolveEnded(final);
  }

  function leave() {
    socket?.close(LEAVE, "left");
    finish({ reason: "left" });
  }

  function played() {
    // Once nothing is left to play, all that was booked has been heard: count it whole, whatever the clock says.
    const at = chunksPlaying > 0 ? audio.now() : Number.POSITIVE_INFINITY;
    update({ type: "played", playedMs: schedule.totalPlayedMs(at), playing: chunksPlaying > 0 });
  }

  function playDelta(event: RealtimeServerEvent) {
    const itemId = event["item_id"];
    const delta = event["delta"];
    if (typeof itemId !== "string" || typeof delta !== "string" || cutItems.has(itemId)) return;
    const samples = decodePcm16(base64ToBytes(delta));
    if (samples.length === 0) return;
    const first = !schedule.has(itemId);
    const when = schedule.add(itemId, samples.length / PCM16_SAMPLE_RATE, audio.now());
    chunksPlaying++;
    audio.play(samples, when, () => {
      chunksPlaying = Math.max(0, chunksPlaying - 1);
      played();
    });
    if (first) update({ type: "reply-started", itemId });
  }

  /** The person started speaking: whatever still plays stops, and each reply cut short is truncated where it stopped. */
  function bargeIn() {
    if (chunksPlaying === 0) return;
    const cuts = schedule.stop(audio.now());
    audio.stopPlayback();
    chunksPlaying = 0;
    if (cuts.length === 0) return;
    for (const cut of cuts) {
      cutItems.add(cut.itemId);
      send({ type: "conversation.item.truncate", item_id: cut.itemId, content_index: 0, audio_end_ms: cut.playedMs });
    }
    update({ type: "barge-in", itemIds: cuts.map((cut) => cut.itemId), playedMs: schedule.totalPlayedMs(Number.POSITIVE_INFINITY) });
    for (const cut of cuts) options.onBargeIn?.(cut);
  }

  function transcript(role: Transcript["role"], itemId: unknown, final: boolean) {
    if (typeof itemId !== "string" || !options.onTranscript) return;
    const turn = state.turns.find((candidate) => (role === "user" ? candidate.userItemId : candidate.assistantItemId) === itemId);
    if (turn) options.onTranscript({ role, itemId, text: role === "user" ? turn.user : turn.assistant, final });
  }

  function receive(data: unknown) {
    if (finished || typeof data !== "string") return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // Deckard relays JSON only; anything else is noise, not a reason to drop the call
    }
    if (typeof event !== "object" || event === null || typeof (event as RealtimeServerEvent).type !== "string") return;
    const serverEvent = event as RealtimeServerEvent;
    switch (serverEvent.type) {
      case "response.output_audio.delta":
        playDelta(serverEvent);
        break;
      case "input_audio_buffer.speech_started":
        bargeIn();
        break;
    }
    update({ type: "event", event: serverEvent });
    switch (serverEvent.type) {
      case "conversation.item.input_audio_transcription.completed":
        transcript("user", serverEvent["item_id"], true);
        break;
      case "response.output_audio_transcript.delta":
        transcript("assistant", serverEvent["item_id"], false);
        break;
      case "response.output_audio_transcript.done":
        transcript("assistant", serverEvent["item_id"], true);
        break;
      case "error":
        if (state.error) options.onError?.(state.error);
        break;
      case ENDED_EVENT:
        // Deckard closes the socket next; the microphone stops now.
        finish(state.end ?? { reason: "closed" });
        break;
    }
    options.onEvent?.(serverEvent);
  }

  try {
    await audio.startMicrophone((pcm16) => {
      if (!finished) send({ type: "input_audio_buffer.append", audio: bytesToBase64(pcm16) });
    });
    signal?.throwIfAborted();
    const ticket = await source.createTicket(sessionId, signal);
    const opened = new SocketImpl(realtimeSocketUrl(source.baseUrl, ticket.realtime, globalThis.location?.href));
    socket = opened;
    await new Promise<void>((resolve, reject) => {
      let open = false;
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      opened.addEventListener("open", () => {
        open = true;
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      opened.addEventListener("message", (event) => receive((event as MessageEvent).data));
      opened.addEventListener("close", (event) => {
        const { code, reason } = event as CloseEvent;
        if (open) finish(endOfClose(code, reason));
        else reject(new RealtimeConnectError(code, reason));
      });
    });
  } catch (error) {
    socket?.close(LEAVE, "left");
    finished = true;
    audio.close();
    throw error;
  }

  signal?.addEventListener("abort", leave, { once: true });
  update({ type: "open" });
  return {
    get state() {
      return state;
    },
    ended,
    hangUp() {
      if (finished) return;
      socket?.close(HANG_UP, "hangup");
      finish({ reason: "hangup" });
    },
    mute(muted) {
      if (finished) return;
      audio.setMuted(muted);
      update({ type: "muted", muted });
    },
    send,
  };
}
