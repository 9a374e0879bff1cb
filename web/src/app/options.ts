import type { SessionOptions } from "../lib/agents";

/** The intent select's choices; "auto" lets Deckard's router decide. */
export const INTENTS = ["auto", "avatar", "search", "conversation"] as const;
export type IntentChoice = (typeof INTENTS)[number];

export function isIntentChoice(value: string): value is IntentChoice {
  return (INTENTS as readonly string[]).includes(value);
}

/** The session options from the options row: an intent only when one is forced, lip-sync always said. */
export function buildOptions(intent: string, lipsync: boolean): SessionOptions {
  return isIntentChoice(intent) && intent !== "auto" ? { intent, lipsync } : { lipsync };
}
