/** Where the app finds Deckard and what it authenticates with; read from Vite's env (import.meta.env) in main.ts. */
export interface AppConfig {
  /** Deckard's base URL without a trailing slash, e.g. "http://localhost:5080". */
  apiBase: string;
  token: string;
}

export const DEFAULT_API_BASE = "http://localhost:5080";
export const DEFAULT_TOKEN = "deckard-dev-key";

/** The configuration from an env object; an unset or blank variable takes its default. */
export function readConfig(env: Readonly<Record<string, unknown>>): AppConfig {
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
  return {
    apiBase: (text(env["VITE_DECKARD_API"]) || DEFAULT_API_BASE).replace(/\/+$/, ""),
    token: text(env["VITE_DECKARD_TOKEN"]) || DEFAULT_TOKEN,
  };
}

/**
 * An artifact's link as the browser should load it. Deckard signs media links as paths relative to its own origin
 * ("/api/media/<id>?expires=..&sig=.."), which this page (served from another origin) must prefix with the API's base.
 */
export function mediaUrl(apiBase: string, url: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  return `${apiBase.replace(/\/+$/, "")}${url.startsWith("/") ? "" : "/"}${url}`;
}
