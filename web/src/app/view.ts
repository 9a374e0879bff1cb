/**
 * The DOM side: finds the page's elements (index.html) and brings them up to date with the state. Text only ever goes
 * in through textContent, and links only to http(s) URLs, so nothing a session holds can inject markup.
 */
import { parseAnswer, type Block, type Inline } from "./answer-text";
import { pickConversation, type ConversationView } from "./conversation";
import { formatError } from "./errors";
import { hasResults, pickResults, type ResultsView } from "./results";
import { canStart, isRunning, type AppState } from "./state";

export interface Elements {
  status: HTMLElement;
  record: HTMLButtonElement;
  recordLabel: HTMLElement;
  promptForm: HTMLFormElement;
  promptInput: HTMLInputElement;
  send: HTMLButtonElement;
  intent: HTMLSelectElement;
  lipsync: HTMLInputElement;
  cancel: HTMLButtonElement;
  hint: HTMLElement;
  error: HTMLElement;
  conversation: HTMLElement;
  conversationStatus: HTMLElement;
  conversationError: HTMLElement;
  conversationTurns: HTMLOListElement;
  mute: HTMLButtonElement;
  hangup: HTMLButtonElement;
  rejoin: HTMLButtonElement;
  progress: HTMLElement;
  progressStage: HTMLElement;
  progressText: HTMLElement;
  progressBar: HTMLElement;
  progressFill: HTMLElement;
  timeline: HTMLOListElement;
  timelineEmpty: HTMLElement;
  results: HTMLElement;
  resultsBody: HTMLElement;
  history: HTMLUListElement;
  historyNote: HTMLElement;
  historyError: HTMLElement;
  historyRefresh: HTMLButtonElement;
}

function byId<T extends HTMLElement>(doc: Document, id: string, type: new () => T): T {
  const element = doc.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}.`);
  return element;
}

export function findElements(doc: Document): Elements {
  return {
    status: byId(doc, "status", HTMLElement),
    record: byId(doc, "record", HTMLButtonElement),
    recordLabel: byId(doc, "record-label", HTMLElement),
    promptForm: byId(doc, "prompt-form", HTMLFormElement),
    promptInput: byId(doc, "prompt-input", HTMLInputElement),
    send: byId(doc, "send", HTMLButtonElement),
    intent: byId(doc, "intent", HTMLSelectElement),
    lipsync: byId(doc, "lipsync", HTMLInputElement),
    cancel: byId(doc, "cancel", HTMLButtonElement),
    hint: byId(doc, "hint", HTMLElement),
    error: byId(doc, "error", HTMLElement),
    conversation: byId(doc, "conversation", HTMLElement),
    conversationStatus: byId(doc, "conversation-status", HTMLElement),
    conversationError: byId(doc, "conversation-error", HTMLElement),
    conversationTurns: byId(doc, "conversation-turns", HTMLOListElement),
    mute: byId(doc, "mute", HTMLButtonElement),
    hangup: byId(doc, "hangup", HTMLButtonElement),
    rejoin: byId(doc, "rejoin", HTMLButtonElement),
    progress: byId(doc, "progress", HTMLElement),
    progressStage: byId(doc, "progress-stage", HTMLElement),
    progressText: byId(doc, "progress-text", HTMLElement),
    progressBar: byId(doc, "progress-bar", HTMLElement),
    progressFill: byId(doc, "progress-fill", HTMLElement),
    timeline: byId(doc, "timeline", HTMLOListElement),
    timelineEmpty: byId(doc, "timeline-empty", HTMLElement),
    results: byId(doc, "results", HTMLElement),
    resultsBody: byId(doc, "results-body", HTMLElement),
    history: byId(doc, "history", HTMLUListElement),
    historyNote: byId(doc, "history-note", HTMLElement),
    historyError: byId(doc, "history-error", HTMLElement),
    historyRefresh: byId(doc, "history-refresh", HTMLButtonElement),
  };
}

type Attributes = Record<string, string | undefined>;

/** An element with attributes and text or children. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

/** The answer's Markdown as paragraphs, lists, bold and links (see answer-text.ts). */
function answerElements(text: string): HTMLElement[] {
  const inline = (part: Inline): Node =>
    part.kind === "strong"
      ? h("strong", {}, part.text)
      : part.kind === "link"
        ? h("a", { href: part.href, target: "_blank", rel: "noopener noreferrer" }, part.text)
        : document.createTextNode(part.text);
  const block = (part: Block): HTMLElement =>
    part.kind === "paragraph" ? h("p", {}, ...part.inlines.map(inline)) : h("ul", {}, ...part.items.map((item) => h("li", {}, ...item.map(inline))));
  return parseAnswer(text).map(block);
}

function setText(element: HTMLElement, text: string | null) {
  element.hidden = !text;
  element.textContent = text ?? "";
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

export interface View {
  elements: Elements;
  render(state: AppState, previous: AppState | null): void;
}

export function createView(doc: Document, apiBase: string): View {
  const elements = findElements(doc);
  const e = elements;

  function renderControls(state: AppState) {
    e.status.textContent = state.status;
    e.status.dataset["status"] = state.status;
    const recording = state.status === "recording";
    e.record.disabled = !recording && !canStart(state.status);
    e.record.setAttribute("aria-pressed", String(recording));
    e.record.classList.toggle("is-recording", recording);
    e.recordLabel.textContent = recording ? "Release to send" : state.status === "uploading" ? "Uploading…" : "Hold to talk";
    e.send.disabled = !canStart(state.status);
    e.cancel.hidden = !(state.sessionId && isRunning(state.status));
    setText(e.hint, state.hint);
    setText(e.error, state.error ? formatError(state.error) : null);
  }

  function renderConversation(view: ConversationView | null) {
    e.conversation.hidden = view === null;
    if (!view) return;
    // Attributes an end-to-end test can wait on, whatever the wording of the status line.
    e.conversation.dataset["state"] = view.state;
    e.conversation.dataset["playedMs"] = String(view.playedMs);
    e.conversation.dataset["replies"] = String(view.replies);
    e.conversation.dataset["bargeIns"] = String(view.bargeIns);
    e.conversationStatus.textContent = view.status;
    setText(e.conversationError, view.error);
    e.hangup.hidden = !view.canHangUp;
    e.rejoin.hidden = !view.canRejoin;
    e.mute.hidden = !view.canMute;
    e.mute.textContent = view.muted ? "Unmute" : "Mute";
    e.mute.setAttribute("aria-pressed", String(view.muted));
    e.conversationTurns.replaceChildren(
      ...view.turns.map((turn) =>
        h("li", { "data-testid": "conversation-turn", "data-interrupted": String(turn.interrupted) },
          h("p", { class: "said", "data-testid": "turn-user" }, turn.user || "…"),
          h("p", { class: "reply", "data-testid": "turn-assistant" }, `${turn.assistant || "…"}${turn.interrupted ? " (interrupted)" : ""}`),
        ),
      ),
    );
  }

  function renderProgress(state: AppState) {
    const progress = state.progress;
    e.progress.hidden = progress === null;
    if (!progress) return;
    const turn = progress.turn !== null ? ` · turn ${progress.turn}` : "";
    const submission = progress.submission > 1 ? ` · submission ${progress.submission}` : "";
    e.progressStage.textContent = `Lip-sync: ${progress.stage}${turn}${submission}`;
    e.progressText.textContent = progress.text;
    e.progress.dataset["stage"] = progress.stage;
    e.progress.dataset["percent"] = progress.percent === null ? "" : String(progress.percent);
    e.progressBar.classList.toggle("indeterminate", progress.percent === null);
    if (progress.percent === null) e.progressBar.removeAttribute("aria-valuenow");
    else e.progressBar.setAttribute("aria-valuenow", String(progress.percent));
    e.progressBar.setAttribute("aria-valuetext", `${progress.stage}, ${progress.text}`);
    e.progressFill.style.width = progress.percent === null ? "" : `${progress.percent}%`;
  }

  function renderTimeline(state: AppState) {
    // Follow new lines as they arrive, unless the reader scrolled up to look at older ones.
    const atBottom = e.timeline.scrollHeight - e.timeline.scrollTop - e.timeline.clientHeight < 24;
    e.timeline.replaceChildren(
      ...state.timeline.map((entry) =>
        h("li", { "data-testid": "timeline-item", "data-type": entry.type, "data-event-id": String(entry.id), class: `tone-${entry.tone}` }, entry.text),
      ),
    );
    e.timelineEmpty.hidden = state.timeline.length > 0 || state.sessionId !== null;
    if (atBottom) e.timeline.scrollTop = e.timeline.scrollHeight;
  }

  /**
   * A media element for `url`, the one already on screen when it plays the same file (so playback is not reset by a
   * refresh: the signed link's query changes, its path does not).
   */
  function media(tag: "audio" | "video", attributes: Attributes, url: string, previous: Map<string, HTMLElement>): HTMLMediaElement {
    const key = url.split("?")[0] ?? url;
    const existing = previous.get(key);
    if (existing instanceof HTMLMediaElement && existing.localName === tag) return existing;
    const element = h(tag, { ...attributes, "data-key": key, controls: "", preload: "metadata", src: url });
    if (tag === "video") element.setAttribute("playsinline", "");
    return element;
  }

  function renderResults(view: ResultsView) {
    const previous = new Map<string, HTMLElement>();
    for (const element of e.resultsBody.querySelectorAll<HTMLElement>("audio[data-key], video[data-key]")) {
      previous.set(element.dataset["key"] ?? "", element);
    }
    const parts: Node[] = [];

    const facts = h("dl", { class: "facts" });
    if (view.transcript !== null) facts.append(h("dt", {}, "You said"), h("dd", { "data-testid": "transcript" }, view.transcript));
    else if (view.prompt !== null) facts.append(h("dt", {}, "You typed"), h("dd", { "data-testid": "prompt" }, view.prompt));
    if (view.intent !== null) facts.append(h("dt", {}, "Intent"), h("dd", { "data-testid": "intent" }, view.intent));
    if (facts.childElementCount) parts.push(facts);

    if (view.portraitUrl) {
      parts.push(
        h("figure", { class: "portrait" },
          h("img", { "data-testid": "portrait", src: view.portraitUrl, alt: "The generated portrait", decoding: "async" }),
        ),
      );
    }

    if (view.answer) {
      const answer = h("div", { class: "answer" }, h("div", { "data-testid": "answer", class: "answer-text" }, ...answerElements(view.answer.text)));
      if (view.answer.citations.length) {
        answer.append(
          h("h3", {}, "Sources"),
          h("ul", { class: "citations" },
            ...view.answer.citations.map((citation) =>
              h("li", {}, h("a", { "data-testid": "citation", href: citation.url, target: "_blank", rel: "noopener noreferrer" }, citation.title)),
            ),
          ),
        );
      }
      if (view.answer.reused) answer.append(h("p", { class: "note" }, "Reused from an earlier answer to the same question."));
      parts.push(answer);
    }

    if (view.speechUrl) parts.push(h("div", { class: "media" }, h("h3", {}, "Spoken answer"), media("audio", { "data-testid": "speech-audio" }, view.speechUrl, previous)));
    if (view.videos.length) {
      parts.push(
        h("div", { class: "media" },
          h("h3", {}, view.videos.length > 1 ? "Lip-synced videos" : "Lip-synced video"),
          ...view.videos.map((video) =>
            h("figure", { class: "video" },
              media("video", { "data-testid": "video", "data-role": video.role }, video.url, previous),
              // A conversation's videos say which turn they show; a lone lip-sync needs no caption.
              video.role === "lipsync-video" ? null : h("figcaption", {}, video.label),
            ),
          ),
        ),
      );
    }

    e.resultsBody.replaceChildren(...parts);
    e.results.hidden = !hasResults(view);
  }

  function renderHistory(state: AppState) {
    const { items, loading, error } = state.history;
    e.historyRefresh.disabled = loading;
    setText(e.historyError, error ? `Could not load past sessions. ${formatError(error)}` : null);
    e.historyNote.textContent = loading ? "Loading…" : !error && items.length === 0 ? "No sessions yet." : "";
    e.historyNote.hidden = !e.historyNote.textContent;
    e.history.replaceChildren(
      ...items.map((item) => {
        const current = item.id === state.sessionId;
        return h("li", {},
          h("button", {
              type: "button",
              class: `history-item${current ? " current" : ""}`,
              "data-testid": "history-item",
              "data-session-id": item.id,
              "aria-current": current ? "true" : undefined,
            },
            h("span", { class: `badge status-${item.status}` }, item.status),
            h("span", { class: "history-intent" }, item.intent ?? "—"),
            h("time", { datetime: item.createdAt }, formatTime(item.createdAt)),
          ),
        );
      }),
    );
  }

  return {
    elements,
    render(state, previous) {
      renderControls(state);
      if (!previous || state.conversation !== previous.conversation || state.events !== previous.events || state.session !== previous.session) {
        renderConversation(pickConversation(state.conversation, state.events, state.session));
      }
      renderProgress(state);
      if (!previous || state.timeline !== previous.timeline || state.sessionId !== previous.sessionId) renderTimeline(state);
      if (!previous || state.session !== previous.session || state.live !== previous.live || state.sessionId !== previous.sessionId) {
        renderResults(pickResults(state.session, state.live, apiBase));
      }
      if (!previous || state.history !== previous.history || state.sessionId !== previous.sessionId) renderHistory(state);
    },
  };
}
