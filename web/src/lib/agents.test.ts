import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import openapi from "../../../openapi/Deckard.Api.json";
import {
  createDeckardClient,
  DeckardProblemError,
  EVENT_TYPES,
  type EventSourceConstructor,
  type SessionStreamEvent,
} from "./agents";

const BASE = "https://deckard.test";
const TOKEN = "dk_test_key";
const SESSION_ID = "0b9f5c8e-3a4d-4c1e-9f7a-2d6b8e1c4a10";

/** A fake fetch: every request is recorded, and `answer` decides the response. */
function fakeFetch(answer: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request);
    return answer(request);
  });
  return { fetch, requests };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** An EventSource stand-in the test drives by hand; like a browser's, it dispatches nothing once closed. */
class FakeEventSource extends EventTarget {
  readonly listened = new Set<string>();
  closed = false;

  constructor(readonly url: string) {
    super();
  }

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions) {
    this.listened.add(type);
    super.addEventListener(type, listener, options);
  }

  close() {
    this.closed = true;
  }

  open() {
    this.dispatch(new Event("open"));
  }

  send(id: number, type: string, data: unknown) {
    this.dispatch(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: String(id) }));
  }

  fail() {
    this.dispatch(new Event("error"));
  }

  private dispatch(event: Event) {
    if (!this.closed) this.dispatchEvent(event);
  }
}

function fakeEventSources() {
  const opened: FakeEventSource[] = [];
  const Impl: EventSourceConstructor = class extends FakeEventSource {
    constructor(url: string) {
      super(url);
      opened.push(this);
    }
  };
  return { Impl, opened };
}

/** Lets the client's pending promises run (fake fetch answers and their parsing need only microtasks). */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 200 && !condition(); i++) await Promise.resolve();
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** Answers ticket requests with dkt_1, dkt_2, ... and anything else with a 404 problem. */
function ticketServer() {
  let issued = 0;
  return fakeFetch((request) => {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === `/api/sessions/${SESSION_ID}/tickets`) {
      const ticket = `dkt_${++issued}`;
      return json({
        ticket,
        expiresAt: "2030-01-01T00:00:00Z",
        events: `/api/sessions/${SESSION_ID}/events?ticket=${ticket}`,
        realtime: `/api/sessions/${SESSION_ID}/realtime?ticket=${ticket}`,
      });
    }
    return json({ status: 404, code: "not-found", title: "Not found" }, 404);
  });
}

const ticketRequests = (requests: Request[]) => requests.filter((r) => r.url.endsWith("/tickets"));

const created = { sessionId: SESSION_ID, status: "running", input: "text", firstStep: "classify" };
const stepStarted = { step: "classify", attempt: 1 };
const progress = { stage: "rendering", submission: 1, elapsedMs: 1200, etaMs: 800 };
const completed = { sessionId: SESSION_ID, status: "completed" };

describe("requests", () => {
  const session = { id: SESSION_ID, status: "pending" };

  it("posts a voice prompt as multipart with the bearer token and returns the 202 body", async () => {
    const { fetch, requests } = fakeFetch(() => json(session, 202));
    const deckard = createDeckardClient({ baseUrl: `${BASE}/`, token: TOKEN, fetch });

    const audio = new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])], { type: "audio/webm;codecs=opus" });
    const result = await deckard.createSession({ audio, prompt: "hello", options: { intent: "answer", lipsync: true }, consent: true });

    expect(result).toEqual(session);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe(`${BASE}/api/sessions`);
    expect(request.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.get("Content-Type")).toMatch(/^multipart\/form-data; boundary=/);

    const form = await request.formData();
    const part = form.get("audio");
    expect(part).toBeInstanceOf(File);
    expect((part as File).name).toBe("voice.webm");
    expect(new Uint8Array(await (part as File).arrayBuffer())).toEqual(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]));
    expect(form.get("prompt")).toBe("hello");
    expect(JSON.parse(form.get("options") as string)).toEqual({ intent: "answer", lipsync: true });
    expect(form.get("consent")).toBe("true");
    expect([...form.keys()].sort()).toEqual(["audio", "consent", "options", "prompt"]);
  });

  it("posts a lip-sync session's portrait and speech as named files", async () => {
    const { fetch, requests } = fakeFetch(() => json(session, 202));
    const deckard = createDeckardClient({ baseUrl: BASE, token: () => TOKEN, fetch });

    await deckard.createLipsyncSession({
      portrait: new Blob(["png"], { type: "image/png" }),
      speech: new Blob(["mp3"], { type: "audio/mpeg" }),
    });

    const request = requests[0]!;
    expect(request.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
    const form = await request.formData();
    expect((form.get("portrait") as File).name).toBe("portrait.png");
    expect((form.get("speech") as File).name).toBe("speech.mp3");
    expect([...form.keys()].sort()).toEqual(["portrait", "speech"]);
  });

  it("turns a problem+json 429 into a DeckardProblemError with its code and retryAfterSeconds", async () => {
    const problem = {
      type: "https://deckard.dev/problems/rate-limited",
      title: "Too many requests",
      status: 429,
      detail: "This principal is over its request rate; wait for Retry-After seconds, then try again.",
      code: "rate-limited",
      retryAfterSeconds: 7,
    };
    const { fetch } = fakeFetch(
      () => new Response(JSON.stringify(problem), { status: 429, headers: { "Content-Type": "application/problem+json" } }),
    );
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch });

    const error = await deckard.createSession({ prompt: "hi" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeckardProblemError);
    expect(error).toMatchObject({
      name: "DeckardProblemError",
      status: 429,
      code: "rate-limited",
      title: "Too many requests",
      detail: problem.detail,
      retryAfterSeconds: 7,
    });
    expect((error as DeckardProblemError).problem).toEqual(problem);
  });

  it("takes retryAfterSeconds from the Retry-After header when the body lacks it, and survives a non-JSON body", async () => {
    const { fetch } = fakeFetch(() => new Response("upstream unavailable", { status: 503, statusText: "Service Unavailable", headers: { "Retry-After": "3" } }));
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch });

    const error = await deckard.getSession(SESSION_ID).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeckardProblemError);
    expect(error).toMatchObject({ status: 503, code: "http-503", title: "Service Unavailable", detail: "upstream unavailable", retryAfterSeconds: 3 });
  });

  it("reads, lists, cancels and deletes with the right routes and the bearer token", async () => {
    const { fetch, requests } = fakeFetch((request) => {
      if (request.method === "DELETE") return new Response(null, { status: 204 });
      if (request.url.includes("/api/avatars")) return json({ items: [] });
      if (request.url.includes("?")) return json({ items: [], nextCursor: null });
      return json(session);
    });
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch });

    expect(await deckard.getSession(SESSION_ID)).toEqual(session);
    expect(await deckard.listSessions({ limit: 5, cursor: "abc" })).toEqual({ items: [], nextCursor: null });
    expect(await deckard.listAvatars()).toEqual({ items: [] });
    expect(await deckard.cancelSession(SESSION_ID)).toEqual(session);
    expect(await deckard.deleteSession(SESSION_ID)).toBeUndefined();

    expect(requests.map((r) => `${r.method} ${r.url.slice(BASE.length)}`)).toEqual([
      `GET /api/sessions/${SESSION_ID}`,
      "GET /api/sessions?limit=5&cursor=abc",
      "GET /api/avatars",
      `POST /api/sessions/${SESSION_ID}/cancel`,
      `DELETE /api/sessions/${SESSION_ID}`,
    ]);
    for (const request of requests) expect(request.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
  });
});

describe("followEvents", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("listens to exactly the event types of the document's SessionEvent union", async () => {
    const mapping = Object.keys(openapi.components.schemas.SessionEvent.discriminator.mapping);
    expect([...EVENT_TYPES].sort()).toEqual([...mapping].sort());

    const { fetch } = ticketServer();
    const { Impl, opened } = fakeEventSources();
    const controller = new AbortController();
    const following = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: Impl })
      .followEvents(SESSION_ID, { onEvent: () => {}, signal: controller.signal })
      .catch(() => {});
    await until(() => opened.length === 1, "the event stream");
    for (const type of mapping) expect(opened[0]!.listened).toContain(type);
    controller.abort();
    await following;
  });

  it("gets a ticket, delivers typed events in order and stops at session.completed", async () => {
    const { fetch, requests } = ticketServer();
    const { Impl, opened } = fakeEventSources();
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: Impl });
    const seen: SessionStreamEvent[] = [];
    let etaMs: number | null | undefined;

    const following = deckard.followEvents(SESSION_ID, {
      onEvent: (event) => {
        seen.push(event);
        // Compiles only because `data` is narrowed by `type`.
        if (event.type === "lipsync.progress") etaMs = event.data.etaMs;
      },
    });
    await until(() => opened.length === 1, "the event stream");

    const [ticket] = ticketRequests(requests);
    expect(ticket?.method).toBe("POST");
    expect(ticket?.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
    const source = opened[0]!;
    expect(source.url).toBe(`${BASE}/api/sessions/${SESSION_ID}/events?ticket=dkt_1&after=0`);

    source.open();
    source.send(1, "session.created", created);
    source.send(2, "step.started", stepStarted);
    source.send(3, "lipsync.progress", progress);
    source.send(4, "session.completed", completed);

    const all = await following;
    expect(all).toEqual([
      { id: 1, type: "session.created", data: created },
      { id: 2, type: "step.started", data: stepStarted },
      { id: 3, type: "lipsync.progress", data: progress },
      { id: 4, type: "session.completed", data: completed },
    ]);
    expect(seen).toEqual(all);
    expect(etaMs).toBe(800);
    expect(source.closed).toBe(true);
    expect(ticketRequests(requests)).toHaveLength(1);
  });

  it("after a stream error, waits 500 ms, spends a new ticket and resumes after the last id without duplicates", async () => {
    const { fetch, requests } = ticketServer();
    const { Impl, opened } = fakeEventSources();
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: Impl });
    const seen: number[] = [];

    const following = deckard.followEvents(SESSION_ID, { onEvent: (event) => seen.push(event.id) });
    await until(() => opened.length === 1, "the first stream");
    const first = opened[0]!;
    first.open();
    first.send(1, "session.created", created);
    first.send(2, "step.started", stepStarted);
    first.fail();
    expect(first.closed).toBe(true);

    await vi.advanceTimersByTimeAsync(499);
    expect(ticketRequests(requests)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => opened.length === 2, "the second stream");

    expect(ticketRequests(requests)).toHaveLength(2);
    const second = opened[1]!;
    expect(second.url).toBe(`${BASE}/api/sessions/${SESSION_ID}/events?ticket=dkt_2&after=2`);
    second.open();
    second.send(2, "step.started", stepStarted); // a replay of what we have: must not be delivered again
    second.send(3, "lipsync.progress", progress);
    second.send(4, "session.completed", completed);

    expect((await following).map((event) => event.id)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(second.closed).toBe(true);
  });

  it("polls the JSON endpoint every second when there is no EventSource, and stops at the terminal event", async () => {
    const stored = [
      { id: 1, type: "session.created", data: created, createdAt: "2030-01-01T00:00:01Z" },
      { id: 2, type: "step.started", data: stepStarted, createdAt: "2030-01-01T00:00:02Z" },
      { id: 3, type: "session.completed", data: completed, createdAt: "2030-01-01T00:00:03Z" },
    ];
    let visible = 2; // the terminal event exists only from the second poll on
    const { fetch, requests } = fakeFetch((request) => {
      const after = Number(new URL(request.url).searchParams.get("after"));
      return json(stored.slice(0, visible).filter((event) => event.id > after));
    });
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: null });
    const seen: number[] = [];

    const following = deckard.followEvents(SESSION_ID, { onEvent: (event) => seen.push(event.id) });
    await until(() => seen.length === 2, "the first poll");
    expect(requests).toHaveLength(1);

    visible = 3;
    await vi.advanceTimersByTimeAsync(999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);

    expect(await following).toEqual(stored.map(({ id, type, data }) => ({ id, type, data })));
    expect(seen).toEqual([1, 2, 3]);
    expect(requests.map((r) => r.url)).toEqual([
      `${BASE}/api/sessions/${SESSION_ID}/events?after=0`,
      `${BASE}/api/sessions/${SESSION_ID}/events?after=2`,
    ]);
    for (const request of requests) {
      expect(request.method).toBe("GET");
      expect(request.headers.get("Accept")).toBe("application/json");
      expect(request.headers.get("Authorization")).toBe(`Bearer ${TOKEN}`);
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect(requests).toHaveLength(2);
  });

  it("falls back to polling after three streams in a row fail to open", async () => {
    const tickets = ticketServer();
    const { fetch, requests } = fakeFetch((request) =>
      request.url.endsWith("/tickets")
        ? tickets.fetch(request)
        : json([{ id: 1, type: "session.failed", data: { sessionId: SESSION_ID, reason: "no voice" }, createdAt: "2030-01-01T00:00:00Z" }]),
    );
    const { Impl, opened } = fakeEventSources();
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: Impl });

    const following = deckard.followEvents(SESSION_ID, { onEvent: () => {} });
    await until(() => opened.length === 1, "stream 1");
    opened[0]!.fail();
    await vi.advanceTimersByTimeAsync(500);
    await until(() => opened.length === 2, "stream 2");
    opened[1]!.fail();
    await vi.advanceTimersByTimeAsync(999); // the backoff doubled to 1 s
    await until(() => ticketRequests(requests).length === 2, "the second ticket");
    expect(opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => opened.length === 3, "stream 3");
    opened[2]!.fail();

    expect(await following).toEqual([{ id: 1, type: "session.failed", data: { sessionId: SESSION_ID, reason: "no voice" } }]);
    expect(ticketRequests(requests)).toHaveLength(3);
    expect(requests.at(-1)?.url).toBe(`${BASE}/api/sessions/${SESSION_ID}/events?after=0`);
    expect(opened.every((source) => source.closed)).toBe(true);
  });

  it("abort closes the stream, rejects, and opens nothing more", async () => {
    const { fetch, requests } = ticketServer();
    const { Impl, opened } = fakeEventSources();
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: Impl });
    const controller = new AbortController();
    const seen: number[] = [];

    const following = deckard.followEvents(SESSION_ID, { onEvent: (event) => seen.push(event.id), signal: controller.signal });
    await until(() => opened.length === 1, "the event stream");
    opened[0]!.open();
    opened[0]!.send(1, "session.created", created);
    controller.abort();

    await expect(following).rejects.toMatchObject({ name: "AbortError" });
    expect(opened[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(opened).toHaveLength(1);
    expect(ticketRequests(requests)).toHaveLength(1);
    expect(seen).toEqual([1]);
  });

  it("abort stops polling while it waits for the next poll", async () => {
    const { fetch, requests } = fakeFetch(() => json([]));
    const deckard = createDeckardClient({ baseUrl: BASE, token: TOKEN, fetch, EventSource: null });
    const controller = new AbortController();

    const following = deckard.followEvents(SESSION_ID, { onEvent: () => {}, signal: controller.signal });
    await until(() => requests.length === 1, "the first poll");
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();

    await expect(following).rejects.toMatchObject({ name: "AbortError" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
  });
});
