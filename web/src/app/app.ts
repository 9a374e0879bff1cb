/**
 * The page's behaviour: recording, sending, following a session's events, loading its results and the history.
 * All state lives in one AppState changed only by `reduce` (state.ts, tested without a browser); this file turns
 * clicks and client answers into actions, and the view draws each new state.
 */
import {
  createDeckardClient,
  DeckardProblemError,
  initialConversationState,
  type Conversation,
  type CreateSessionInput,
  type DeckardClient,
  type SessionStreamEvent,
} from "../lib/agents";
import type { AppConfig } from "./config";
import { joinErrorView } from "./conversation";
import { formatError, isAbort, toErrorView } from "./errors";
import { buildOptions } from "./options";
import { eventsKey, hashForSession, parseKeptEvents, serializeKeptEvents, sessionIdFromHash } from "./persistence";
import { microphoneErrorView, MIN_RECORDING_MS, startRecording, type Recording } from "./recorder";
import { isInputRole } from "./results";
import { canStart, hasTerminalEvent, initialState, reduce, type Action, type AppState } from "./state";
import { createView } from "./view";

const HISTORY_LIMIT = 10;
/** Artifacts arriving close together (speech, then video) are fetched with one getSession. */
const REFRESH_DELAY_MS = 400;

export interface App {
  readonly client: DeckardClient;
  getState(): AppState;
}

export function startApp(doc: Document, config: AppConfig, client: DeckardClient = createDeckardClient({ baseUrl: config.apiBase, token: config.token })): App {
  const view = createView(doc, config.apiBase);
  const e = view.elements;
  let state = initialState();

  function dispatch(action: Action) {
    const previous = state;
    state = reduce(state, action);
    if (state === previous) return;
    view.render(state, previous);
    if (state.sessionId && state.events.length > 0 && state.events !== previous.events) keepEvents(state.sessionId, state.events);
  }

  // ---- one session at a time: starting or opening another aborts whatever the previous one was doing ----

  let run = new AbortController();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The live conversation this page joined, if any; `joining` while it connects. */
  let conversation: Conversation | null = null;
  let joining = false;

  function beginRun(): AbortSignal {
    // Moving on to another session is hanging up, not stepping away from a conversation left running.
    conversation?.hangUp();
    conversation = null;
    run.abort(new DOMException("Another session took over the page.", "AbortError"));
    clearTimeout(refreshTimer);
    run = new AbortController();
    return run.signal;
  }

  /** The upload was refused, or the session cannot be followed (not found, not allowed): it failed for this page. */
  function fail(error: unknown, signal: AbortSignal) {
    if (signal.aborted || isAbort(error)) return;
    dispatch({ type: "error", error: toErrorView(error, config.apiBase, location.origin) });
  }

  // ---- the URL hash and sessionStorage, so a reload resumes the session on screen ----

  function showInUrl(id: string | null) {
    const hash = id ? hashForSession(id) : "";
    if (location.hash === hash) return;
    history.replaceState(history.state, "", `${location.pathname}${location.search}${hash}`);
  }

  function keepEvents(id: string, events: readonly SessionStreamEvent[]) {
    try {
      const value = serializeKeptEvents(events);
      if (value === null) sessionStorage.removeItem(eventsKey(id));
      else sessionStorage.setItem(eventsKey(id), value);
    } catch {
      // Storage full or disabled: a reload then replays the events from the server.
    }
  }

  function keptEvents(id: string): SessionStreamEvent[] {
    try {
      return parseKeptEvents(sessionStorage.getItem(eventsKey(id)));
    } catch {
      return [];
    }
  }

  // ---- sessions ----

  async function submit(input: CreateSessionInput, signal: AbortSignal) {
    try {
      const session = await client.createSession(input, signal);
      if (signal.aborted) return;
      dispatch({ type: "created", session });
      showInUrl(session.id);
      void follow(session.id, 0, signal, { join: true });
      void refreshHistory();
    } catch (error) {
      fail(error, signal);
    }
  }

  /**
   * Follows the events after `after` until the session ends, then loads its results. With `join`, a conversation that
   * becomes ready is joined at once (the person just asked for it); otherwise the page offers to rejoin.
   */
  async function follow(id: string, after: number, signal: AbortSignal, { join }: { join: boolean }) {
    try {
      await client.followEvents(id, {
        after,
        signal,
        onEvent: (event) => {
          if (signal.aborted) return;
          dispatch({ type: "event", event });
          if (event.type === "artifact.created" && !isInputRole(event.data.role) && event.data.kind !== "transcript") refreshSoon(id, signal);
          if (event.type === "answer.ready" || event.type === "conversation.ready") refreshSoon(id, signal);
          if (event.type === "conversation.ready" && join) void joinConversation(id, signal);
        },
      });
      clearTimeout(refreshTimer);
      await load(id, signal);
      void refreshHistory();
    } catch (error) {
      fail(error, signal);
    }
  }

  /** Loads the session's results; failing to is a remark (the events go on, and the next load may work). */
  async function load(id: string, signal: AbortSignal) {
    try {
      const session = await client.getSession(id, signal);
      if (!signal.aborted) dispatch({ type: "session", session });
    } catch (error) {
      if (signal.aborted || isAbort(error)) return;
      dispatch({ type: "hint", hint: `Could not load the results. ${formatError(toErrorView(error, config.apiBase, location.origin))}` });
    }
  }

  /** Shows media as soon as it exists (a conversation's never-ending session included), not only at the end. */
  function refreshSoon(id: string, signal: AbortSignal) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void load(id, signal), REFRESH_DELAY_MS);
  }

  /**
   * Shows a session that already exists. From the history its events are replayed from the start (a finished
   * session's stream replays and ends); on a reload they resume after the last one this tab kept.
   */
  function open(id: string, { resume }: { resume: boolean }) {
    // Read before "open" clears the page (and with it what is kept for the session on screen).
    const kept = resume ? keptEvents(id) : [];
    const signal = beginRun();
    dispatch({ type: "open", sessionId: id });
    showInUrl(id);
    for (const event of kept) dispatch({ type: "event", event });
    if (hasTerminalEvent(kept)) void load(id, signal); // nothing more will come: just the results
    else void follow(id, kept.at(-1)?.id ?? 0, signal, { join: false });
  }

  // ---- the live conversation ----

  /** Joins the session's live conversation: microphone, speakers, its turns on screen. */
  async function joinConversation(id: string, signal: AbortSignal) {
    if (joining || (conversation && conversation.state.phase !== "ended")) return;
    joining = true;
    dispatch({ type: "conversation", conversation: initialConversationState() });
    try {
      conversation = await client.connectConversation(id, {
        signal,
        onStateChange: (live) => {
          if (!signal.aborted) dispatch({ type: "conversation", conversation: live });
        },
      });
    } catch (error) {
      if (!signal.aborted) dispatch({ type: "conversation-failed", error: joinErrorView(error, config.apiBase, location.origin) });
    } finally {
      joining = false;
    }
  }

  async function refreshHistory() {
    dispatch({ type: "history-loading" });
    try {
      dispatch({ type: "history", page: await client.listSessions({ limit: HISTORY_LIMIT }) });
    } catch (error) {
      dispatch({ type: "history-error", error: toErrorView(error, config.apiBase, location.origin) });
    }
  }

  function options() {
    return buildOptions(e.intent.value, e.lipsync.checked);
  }

  // ---- hold to talk ----

  let held = false;
  let recording: Promise<Recording | null> | null = null;

  function press() {
    if (held || !canStart(state.status)) return;
    held = true;
    const signal = beginRun();
    showInUrl(null);
    dispatch({ type: "record-start" });
    recording = startRecording().catch((error: unknown) => {
      held = false;
      if (!signal.aborted) dispatch({ type: "error", error: microphoneErrorView(error) });
      return null;
    });
  }

  /** Stops the recording and sends it; when the microphone is not granted yet, as soon as it is. */
  async function release() {
    const pending = recording;
    held = false;
    if (!pending) return;
    const started = await pending;
    if (!started || recording !== pending) return;
    recording = null;
    const signal = run.signal;
    const { blob, durationMs } = await started.stop();
    if (signal.aborted) return;
    if (durationMs < MIN_RECORDING_MS || blob.size === 0) {
      dispatch({ type: "record-discarded", hint: "Hold the button while you speak, then let go." });
      return;
    }
    dispatch({ type: "record-stop" });
    await submit({ audio: blob, consent: true, options: options() }, signal);
  }

  e.record.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    // Keep receiving this pointer's events if it slides off the button, so letting go anywhere stops the recording.
    try {
      e.record.setPointerCapture(event.pointerId);
    } catch {
      // Not an active pointer any more: its pointerup has already gone.
    }
    press();
  });
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"] as const) {
    e.record.addEventListener(type, () => {
      if (held) void release();
    });
  }
  // A long press on a phone would otherwise open the context menu.
  e.record.addEventListener("contextmenu", (event) => event.preventDefault());
  // Space or Enter held down talks too.
  e.record.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      press();
    }
  });
  e.record.addEventListener("keyup", (event) => {
    if ((event.key === " " || event.key === "Enter") && held) {
      event.preventDefault();
      void release();
    }
  });
  e.record.addEventListener("blur", () => {
    if (held) void release();
  });

  // ---- typed prompt, cancel, history ----

  e.promptForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const prompt = e.promptInput.value.trim();
    if (!prompt) {
      dispatch({ type: "hint", hint: "Type a prompt first." });
      e.promptInput.focus();
      return;
    }
    if (!canStart(state.status)) return;
    const signal = beginRun();
    showInUrl(null);
    dispatch({ type: "submit" });
    void submit({ prompt, options: options() }, signal);
  });

  e.cancel.addEventListener("click", () => {
    const id = state.sessionId;
    if (!id) return;
    e.cancel.disabled = true;
    client
      .cancelSession(id)
      .catch((error: unknown) => {
        // 409 session-finished: it ended meanwhile, and its stream says how.
        if (!(error instanceof DeckardProblemError && error.status === 409)) {
          dispatch({ type: "hint", hint: `Could not cancel. ${formatError(toErrorView(error, config.apiBase, location.origin))}` });
        }
      })
      .finally(() => {
        e.cancel.disabled = false;
      });
  });

  // ---- the conversation's buttons ----

  e.hangup.addEventListener("click", () => conversation?.hangUp());
  e.mute.addEventListener("click", () => conversation?.mute(!conversation.state.muted));
  e.rejoin.addEventListener("click", () => {
    if (state.sessionId) void joinConversation(state.sessionId, run.signal);
  });

  e.history.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>("[data-session-id]") : null;
    const id = target?.dataset["sessionId"];
    if (id && canStart(state.status)) open(id, { resume: false });
  });
  e.historyRefresh.addEventListener("click", () => void refreshHistory());

  // A hash typed or pasted into the address bar opens that session.
  window.addEventListener("hashchange", () => {
    const id = sessionIdFromHash(location.hash);
    if (id && id !== state.sessionId && canStart(state.status)) open(id, { resume: true });
  });

  // ---- start ----

  view.render(state, null);
  const resumed = sessionIdFromHash(location.hash);
  if (resumed) open(resumed, { resume: true });
  void refreshHistory();

  return {
    client,
    getState: () => state,
  };
}
