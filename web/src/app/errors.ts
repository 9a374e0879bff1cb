import { DeckardProblemError } from "../lib/agents";

/** An error as the page shows it: a title, what happened, and Deckard's code to look up. */
export interface ErrorView {
  title: string;
  detail?: string;
  code?: string;
}

/** One line for data-testid="error": "Title: detail (code)". */
export function formatError(error: ErrorView): string {
  return `${error.title}${error.detail ? `: ${error.detail}` : ""}${error.code ? ` (${error.code})` : ""}`;
}

/** Aborted on purpose (another session was opened): nothing to show. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** A readable view of whatever a client call threw; `pageOrigin` is named when the API may not allow it (CORS). */
export function toErrorView(error: unknown, apiBase: string, pageOrigin?: string): ErrorView {
  if (error instanceof DeckardProblemError) {
    const detail = [error.detail, error.retryAfterSeconds !== undefined ? `Try again in ${error.retryAfterSeconds} s.` : ""].filter(Boolean).join(" ");
    return { title: error.title, detail: detail || undefined, code: error.code };
  }
  // fetch rejects with a TypeError when the server is down, the address wrong, or CORS refused the page's origin.
  if (error instanceof TypeError) {
    return {
      title: "Cannot reach Deckard",
      detail: `no answer from ${apiBase} (is the API running, and does it allow requests from ${pageOrigin ?? "this page's origin"}?)`,
      code: "network",
    };
  }
  return { title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) };
}
