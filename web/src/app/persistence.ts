import { EVENT_TYPES, type SessionStreamEvent } from "../lib/agents";

/** The session id in a "#session=<id>" hash, or null. */
export function sessionIdFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const id = params.get("session")?.trim() ?? "";
  return /^[A-Za-z0-9-]{1,100}$/.test(id) ? id : null;
}

export function hashForSession(id: string): string {
  return `#session=${encodeURIComponent(id)}`;
}

/** Where sessionStorage keeps a session's events, so a reload resumes after the last one instead of replaying all. */
export function eventsKey(sessionId: string): string {
  return `deckard:events:${sessionId}`;
}

/** Beyond this the events are not kept (a reload then replays them from the server, which is just slower). */
export const MAX_KEPT_EVENTS = 500;

const knownTypes = new Set<string>(EVENT_TYPES);

/** The kept events, if what sessionStorage holds is a list of them in id order; else none (replay from 0). */
export function parseKeptEvents(raw: string | null): SessionStreamEvent[] {
  if (!raw) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  let lastId = 0;
  for (const item of value) {
    const ok =
      typeof item === "object" &&
      item !== null &&
      Number.isSafeInteger(item.id) &&
      item.id > lastId &&
      typeof item.type === "string" &&
      knownTypes.has(item.type) &&
      typeof item.data === "object" &&
      item.data !== null;
    if (!ok) return [];
    lastId = item.id;
  }
  return value as SessionStreamEvent[];
}

/** What to store for these events, or null when there are too many to keep. */
export function serializeKeptEvents(events: readonly SessionStreamEvent[]): string | null {
  return events.length > MAX_KEPT_EVENTS ? null : JSON.stringify(events);
}
