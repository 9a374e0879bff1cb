/** Builders for the app's tests: typed events and sessions shaped as Deckard sends them. Not part of the page. */
import type { Session, SessionStreamEvent } from "../lib/agents";

export const SESSION_ID = "6f1c2a9e-4b7d-4e0a-9c3b-1d2e3f405162";
export const API = "http://localhost:5080";

type EventOf<T extends SessionStreamEvent["type"]> = Extract<SessionStreamEvent, { type: T }>;

export function event<T extends SessionStreamEvent["type"]>(id: number, type: T, data: EventOf<T>["data"]): SessionStreamEvent {
  return { id, type, data } as SessionStreamEvent;
}

type Artifact = Session["artifacts"][number];

export function artifact(kind: string, role: string, id = `${kind}-${role}`): Artifact {
  return {
    id,
    kind,
    role,
    contentType: kind === "image" ? "image/png" : kind === "video" ? "video/mp4" : "audio/mpeg",
    sizeBytes: 1234,
    createdAt: "2026-12-03T18:00:05Z",
    url: `/api/media/${id}?expires=1764785000&sig=abc`,
  };
}

export function session(overrides: Partial<Session> = {}): Session {
  return {
    id: SESSION_ID,
    owner: "dev",
    kind: "voice",
    status: "running",
    prompt: null,
    transcript: null,
    intent: null,
    intentArguments: null,
    options: {},
    results: {},
    cost: { currency: "USD", total: 0, gpuSeconds: 0, lines: [] },
    error: null,
    createdAt: "2026-12-03T18:00:00Z",
    updatedAt: "2026-12-03T18:00:00Z",
    finishedAt: null,
    traceId: null,
    steps: [],
    artifacts: [],
    turns: null,
    links: {
      self: `/api/sessions/${SESSION_ID}`,
      events: `/api/sessions/${SESSION_ID}/events`,
      cancel: `/api/sessions/${SESSION_ID}/cancel`,
    },
    ...overrides,
  };
}
