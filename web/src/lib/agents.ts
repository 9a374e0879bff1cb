/**
 * A typed client for Deckard's HTTP API. The routes, bodies and event shapes come from ./deckard-api.d.ts, which
 * `npm run generate` writes from ../openapi/Deckard.Api.json: when the API changes, regenerate and the compiler
 * points at whatever here no longer fits.
 *
 *   const deckard = createDeckardClient({ baseUrl: "https://deckard.example", token: apiKey });
 *   const session = await deckard.createSession({ audio: recording, consent: true });
 *   await deckard.followEvents(session.id, { onEvent: (event) => render(event) });
 *   const conversation = await deckard.connectConversation(session.id, { onStateChange: render }); // realtime.ts
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./deckard-api";
import { connectRealtime, type Conversation, type RealtimeOptions } from "./realtime";

export {
  connectRealtime,
  realtimeSocketUrl,
  RealtimeConnectError,
  type Conversation,
  type RealtimeOptions,
  type RealtimeSocket,
  type RealtimeSocketConstructor,
  type RealtimeTicketSource,
  type Transcript,
} from "./realtime";
export {
  initialConversationState,
  type ConversationEnd,
  type ConversationPhase,
  type ConversationState,
  type ConversationTurn,
  type RealtimeErrorInfo,
  type RealtimeServerEvent,
} from "./realtime-state";

type Schemas = components["schemas"];

export type Session = Schemas["SessionResponse"];
export type SessionSummary = Schemas["SessionSummary"];
export type SessionPage = Schemas["SessionPage"];
export type SessionOptions = Schemas["SessionOptions"];
export type Avatar = Schemas["AvatarResponse"];
export type AvatarList = Schemas["AvatarList"];
export type Ticket = Schemas["TicketResponse"];
/** One stored event of a session, as GET /api/sessions/{id}/events returns it (a union discriminated by `type`). */
export type SessionEvent = Schemas["SessionEvent"];
export type SessionEventType = SessionEvent["type"];

/**
 * An event as followEvents delivers it: the SSE frame's id, its `event:` name and its parsed `data:`. Distributing
 * over the union keeps `data` tied to `type`, so `if (event.type === "lipsync.progress") event.data.etaMs` compiles.
 */
export type SessionStreamEvent = SessionEvent extends infer E
  ? E extends SessionEvent
    ? { id: number; type: E["type"]; data: E["data"] }
    : never
  : never;

/**
 * An RFC 9457 problem, which Deckard answers on every refusal with a stable `code` to switch on: the document's
 * ProblemResponse, loosened for answers that do not come from Deckard itself (a proxy's 502 page) and open to the
 * extra fields some problems carry (a budget's figures).
 */
export type Problem = Partial<components["schemas"]["ProblemResponse"]> & {
  instance?: string;
  [extension: string]: unknown;
};

/** A non-2xx answer from Deckard, with the problem's fields lifted out for `catch` blocks. */
export class DeckardProblemError extends Error {
  override readonly name = "DeckardProblemError";
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** The whole problem body, extensions included. */
  readonly problem: Problem;

  constructor(status: number, problem: Problem, retryAfterSeconds?: number) {
    const title = problem.title ?? `HTTP ${status}`;
    super(problem.detail ? `${title}: ${problem.detail}` : title);
    this.status = status;
    // Deckard always sends a code; a proxy's bare error page does not, so there is still something to switch on.
    this.code = problem.code ?? `http-${status}`;
    this.title = title;
    this.detail = problem.detail;
    this.retryAfterSeconds = retryAfterSeconds;
    this.problem = problem;
  }
}

/** The part of EventSource this client uses, so tests (or a polyfill that can send headers) can stand in for it. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

export interface DeckardClientOptions {
  /** Deckard's origin, e.g. "https://deckard.example"; "" for the page's own origin. */
  baseUrl: string;
  /** An API key (dk_...) or your identity provider's JWT; a function is asked before every request, for tokens that refresh. */
  token: string | (() => string | Promise<string>);
  /** Defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Defaults to the global EventSource; null (or none in this runtime) makes followEvents poll instead. */
  EventSource?: EventSourceConstructor | null;
}

export interface CreateSessionInput {
  /** A recorded voice prompt (WAV, WebM/Opus, Ogg, MP3, M4A or FLAC); or give `prompt`. */
  audio?: Blob;
  /** A typed prompt; or give `audio`. */
  prompt?: string;
  options?: SessionOptions;
  /** Whether the speaker agreed to their recorded voice being stored (required where the server demands it). */
  consent?: boolean;
}

export interface CreateLipsyncSessionInput {
  /** The face to animate: PNG, JPEG or WebP. */
  portrait: Blob;
  /** The speech to lip-sync it to, in any of the audio formats. */
  speech: Blob;
  options?: SessionOptions;
  consent?: boolean;
}

export interface FollowEventsOptions {
  /** Called once per event, in order, never twice for the same id. */
  onEvent: (event: SessionStreamEvent) => void;
  /** Aborting closes the stream or stops polling, and rejects the promise with the signal's reason. */
  signal?: AbortSignal;
  /** The id of the last event you already have (0, the default, for all of them). */
  after?: number;
}

/**
 * Every event type, from the SessionEvent union. A Record rather than an array so the compiler rejects both a
 * missing type and a stale one when the document changes; EventSource only delivers the names it is told to listen to.
 */
const eventTypeSet: Record<SessionEventType, true> = {
  "session.created": true,
  "step.started": true,
  "step.completed": true,
  "step.retrying": true,
  "step.failed": true,
  "transcript.ready": true,
  "intent.classified": true,
  "artifact.created": true,
  "answer.ready": true,
  "lipsync.progress": true,
  "conversation.ready": true,
  "conversation.connected": true,
  "turn.completed": true,
  "conversation.ended": true,
  "session.completed": true,
  "session.failed": true,
  "session.cancelled": true,
};
export const EVENT_TYPES = Object.keys(eventTypeSet) as readonly SessionEventType[];

/** After one of these the server ends the stream: nothing more will happen in the session. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<SessionEventType> = new Set<SessionEventType>([
  "session.completed",
  "session.failed",
  "session.cancelled",
]);

const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
/** Stream connections in a row that never opened before followEvents gives up on SSE and polls. */
const MAX_STREAM_FAILURES = 3;
const POLL_INTERVAL_MS = 1_000;

export type DeckardClient = ReturnType<typeof createDeckardClient>;

export function createDeckardClient(options: DeckardClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const token = options.token;
  const EventSourceImpl =
    options.EventSource === undefined
      ? (globalThis as { EventSource?: EventSourceConstructor }).EventSource
      : (options.EventSource ?? undefined);

  const api = createClient<paths>({ baseUrl, fetch: options.fetch });
  api.use({
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${typeof token === "function" ? await token() : token}`);
      return request;
    },
  });

  async function postSessionForm(parts: FormParts, signal?: AbortSignal): Promise<Session> {
    const form = toFormData(parts);
    return expectOk(
      api.POST("/api/sessions", {
        // The document types binary parts as strings, so the typed body stays empty and the serializer sends the real
        // FormData (whose Content-Type, boundary included, the runtime sets).
        body: {},
        bodySerializer: () => form,
        signal,
      }),
    );
  }

  async function createTicket(id: string, signal?: AbortSignal): Promise<Ticket> {
    return expectOk(api.POST("/api/sessions/{id}/tickets", { params: { path: { id } }, signal }));
  }

  async function readEvents(id: string, after: number, signal?: AbortSignal): Promise<SessionEvent[]> {
    const events = await expectOk(
      api.GET("/api/sessions/{id}/events", {
        params: { path: { id }, query: { after } },
        // Without it the endpoint answers with a never-ending text/event-stream.
        headers: { Accept: "application/json" },
        signal,
      }),
    );
    // The operation also documents the text/event-stream form, so the generated type admits a string.
    if (!Array.isArray(events)) throw new Error("Deckard answered the events request with something other than a JSON array.");
    return events;
  }

  /**
   * Delivers a session's events until a terminal one, resolving with all it delivered. Browsers cannot put a header
   * on EventSource, so each connection spends a single-use ticket; a dropped one is reopened with a fresh ticket and
   * `after=<last id>`, so nothing is missed or repeated. Without EventSource, or when it keeps failing, it polls.
   */
  async function followEvents(id: string, { onEvent, signal, after = 0 }: FollowEventsOptions): Promise<SessionStreamEvent[]> {
    const delivered: SessionStreamEvent[] = [];
    let lastId = after;

    /** Hands one event on, unless it was seen already; true when the session is over. */
    function deliver(event: SessionStreamEvent): boolean {
      if (event.id <= lastId) return false; // a resumed stream or an overlapping poll repeats what we have
      lastId = event.id;
      delivered.push(event);
      onEvent(event);
      return TERMINAL_EVENT_TYPES.has(event.type);
    }

    /**
     * One EventSource connection: "terminal" when the session ended, "dropped" when it failed after opening,
     * "refused" when it never opened (a spent or expired ticket, the server or the network down).
     */
    function stream(Impl: EventSourceConstructor, url: string): Promise<"terminal" | "dropped" | "refused"> {
      return new Promise((resolve, reject) => {
        signal?.throwIfAborted();
        const source = new Impl(url);
        let opened = false;
        let settled = false;
        const settle = (finish: () => void) => {
          if (settled) return;
          settled = true;
          source.close();
          signal?.removeEventListener("abort", onAbort);
          finish();
        };
        const onAbort = () => settle(() => reject(signal?.reason));
        signal?.addEventListener("abort", onAbort, { once: true });

        const onMessage = (event: Event) => {
          if (settled) return;
          try {
            if (deliver(fromFrame(event as MessageEvent<string>))) settle(() => resolve("terminal"));
          } catch (error) {
            settle(() => reject(error)); // a malformed frame or a throwing onEvent: reconnecting would not help
          }
        };
        for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
        source.addEventListener("open", () => {
          opened = true;
        });
        // The browser would reconnect by itself, but with the spent ticket; close it and let the caller get a new one.
        source.addEventListener("error", () => settle(() => resolve(opened ? "dropped" : "refused")));
      });
    }

    /**
     * Follows over SSE; false when MAX_STREAM_FAILURES connections in a row could not even open, and polling should
     * take over. Reconnects wait 500 ms, doubling to 8 s, and start again at 500 ms after a connection that delivered.
     */
    async function followStream(Impl: EventSourceConstructor): Promise<boolean> {
      let failures = 0;
      let delay = FIRST_RETRY_DELAY_MS;
      for (;;) {
        const before = lastId;
        let outcome: "terminal" | "dropped" | "refused";
        try {
          const ticket = await createTicket(id, signal);
          outcome = await stream(Impl, `${baseUrl}${ticket.events}${ticket.events.includes("?") ? "&" : "?"}after=${lastId}`);
        } catch (error) {
          if (!isTransient(error)) throw error; // e.g. 401 or 404: no retry will fix it
          outcome = "refused";
        }
        if (outcome === "terminal") return true;
        failures = outcome === "refused" ? failures + 1 : 0;
        if (failures >= MAX_STREAM_FAILURES) return false;
        if (lastId > before) delay = FIRST_RETRY_DELAY_MS;
        await sleep(delay, signal);
        delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
      }
    }

    async function poll(): Promise<void> {
      let delay = FIRST_RETRY_DELAY_MS;
      for (;;) {
        let events: SessionEvent[];
        try {
          events = await readEvents(id, lastId, signal);
          delay = FIRST_RETRY_DELAY_MS;
        } catch (error) {
          if (!isTransient(error)) throw error;
          await sleep(delay, signal);
          delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
          continue;
        }
        for (const event of events) {
          // A type newer than this client's document is skipped, as EventSource skips names nobody listens to.
          if (!isEventType(event.type)) continue;
          if (deliver({ id: event.id, type: event.type, data: event.data } as SessionStreamEvent)) return;
        }
        await sleep(POLL_INTERVAL_MS, signal);
      }
    }

    signal?.throwIfAborted();
    if (!EventSourceImpl || !(await followStream(EventSourceImpl))) await poll();
    return delivered;
  }

  return {
    /** Starts a session from a voice prompt (`audio`) or a text prompt (`prompt`); answers 202 with the new session. */
    createSession(input: CreateSessionInput, signal?: AbortSignal): Promise<Session> {
      return postSessionForm(
        { audio: input.audio, prompt: input.prompt, options: input.options, consent: input.consent },
        signal,
      );
    },

    /** Starts a lip-sync session: the portrait speaks the given speech. */
    createLipsyncSession(input: CreateLipsyncSessionInput, signal?: AbortSignal): Promise<Session> {
      return postSessionForm(
        { portrait: input.portrait, speech: input.speech, options: input.options, consent: input.consent },
        signal,
      );
    },

    getSession(id: string, signal?: AbortSignal): Promise<Session> {
      return expectOk(api.GET("/api/sessions/{id}", { params: { path: { id } }, signal }));
    },

    /** The caller's sessions, newest first; pass the page's nextCursor to get the next one. */
    listSessions(query: { limit?: number; cursor?: string } = {}, signal?: AbortSignal): Promise<SessionPage> {
      return expectOk(api.GET("/api/sessions", { params: { query }, signal }));
    },

    listAvatars(signal?: AbortSignal): Promise<AvatarList> {
      return expectOk(api.GET("/api/avatars", { signal }));
    },

    /** Stops pending work; the session ends cancelled (followEvents then sees session.cancelled). */
    cancelSession(id: string, signal?: AbortSignal): Promise<Session> {
      return expectOk(api.POST("/api/sessions/{id}/cancel", { params: { path: { id } }, signal }));
    },

    /** Deletes a finished session with its transcript, artifacts and media. */
    async deleteSession(id: string, signal?: AbortSignal): Promise<void> {
      await expectOk(api.DELETE("/api/sessions/{id}", { params: { path: { id } }, signal }));
    },

    /** A single-use ticket for the session's event stream or realtime socket (`new WebSocket(...realtime)`). */
    createTicket,

    followEvents,

    /** Joins a `conversing` session's live conversation: microphone, speakers and barge-in (see realtime.ts). */
    connectConversation(id: string, options?: RealtimeOptions): Promise<Conversation> {
      return connectRealtime({ baseUrl, createTicket }, id, options);
    },
  };
}

type FormParts = Partial<Record<keyof Schemas["CreateSessionForm"], Blob | string | boolean | SessionOptions | undefined>>;

/** The multipart body of POST /api/sessions; field names are checked against the document's CreateSessionForm. */
function toFormData(parts: FormParts): FormData {
  const form = new FormData();
  for (const [field, value] of Object.entries(parts)) {
    if (value === undefined) continue;
    if (value instanceof Blob) form.append(field, value, fileName(field, value));
    else if (typeof value === "boolean") form.append(field, value ? "true" : "false");
    else if (typeof value === "string") form.append(field, value);
    else form.append(field, JSON.stringify(value));
  }
  return form;
}

const fileStems: Record<string, string> = { audio: "voice", speech: "speech", portrait: "portrait" };
const extensions: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/wave": "wav",
  "audio/x-wav": "wav",
  "image/jpeg": "jpg",
};

/**
 * The server recognises uploads by their bytes, but a part without a file name is read as a text field, so a bare
 * Blob (what MediaRecorder produces) gets one from its type: "audio/webm;codecs=opus" becomes "voice.webm".
 */
function fileName(field: string, blob: Blob): string {
  if (typeof File !== "undefined" && blob instanceof File && blob.name) return blob.name;
  const mime = blob.type.split(";")[0]?.trim().toLowerCase() ?? "";
  const extension = extensions[mime] ?? (/^[a-z]+\/([a-z0-9]+)$/.exec(mime)?.[1] ?? "bin");
  return `${fileStems[field] ?? field}.${extension}`;
}

/** Throws a DeckardProblemError for a non-2xx answer, else returns its typed body. */
async function expectOk<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toProblemError(response, error);
  return data as T;
}

function toProblemError(response: Response, body: unknown): DeckardProblemError {
  // openapi-fetch hands over the body parsed as JSON where it could be, else as text.
  const problem: Problem =
    body !== null && typeof body === "object"
      ? (body as Problem)
      : { title: response.statusText || undefined, detail: typeof body === "string" && body ? body : undefined };
  const header = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  const retryAfter = typeof problem.retryAfterSeconds === "number" ? problem.retryAfterSeconds : Number.isFinite(header) ? header : undefined;
  return new DeckardProblemError(response.status, problem, retryAfter);
}

/** Worth another try: the network failed (fetch rejects with a TypeError), or Deckard asked to come back later. */
function isTransient(error: unknown): boolean {
  if (error instanceof DeckardProblemError) return error.status === 429 || error.status >= 500;
  return error instanceof TypeError;
}

function isEventType(type: string): type is SessionEventType {
  return Object.hasOwn(eventTypeSet, type);
}

/** An SSE frame: `id:` is the event's sequence, `event:` its type, `data:` its data as JSON. */
function fromFrame(frame: MessageEvent<string>): SessionStreamEvent {
  const id = Number(frame.lastEventId);
  if (!Number.isSafeInteger(id)) throw new Error(`Deckard sent a ${frame.type} event without a numeric id.`);
  return { id, type: frame.type, data: JSON.parse(frame.data) } as SessionStreamEvent;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
