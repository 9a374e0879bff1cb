import type { Session } from "../lib/agents";
import { mediaUrl } from "./config";

export interface Citation {
  title: string;
  url: string;
}

export interface AnswerView {
  text: string;
  citations: Citation[];
  reused: boolean;
}

/** A video to show, with what it is: "Lip-synced video", "Turn 2", "Whole conversation". */
export interface VideoView {
  url: string;
  role: string;
  label: string;
}

/** What the results panel shows; null (or empty) where the session has nothing of that kind (yet). */
export interface ResultsView {
  transcript: string | null;
  /** The typed prompt, for a session that had no voice. */
  prompt: string | null;
  intent: string | null;
  portraitUrl: string | null;
  answer: AnswerView | null;
  speechUrl: string | null;
  /** Every video: one for a lip-sync, one per reply (or one in all) for a conversation. */
  videos: VideoView[];
}

/** What the events told so far, shown until (and unless) the session itself says otherwise. */
export interface LiveResults {
  transcript?: string;
  intent?: string;
  answer?: AnswerView;
}

type Artifact = Session["artifacts"][number];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Only links a browser may follow safely: no javascript: or data: URLs from a model's citations or answer. */
export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:";
  } catch {
    return false;
  }
}

/** Citations with a web URL, each URL once, titled by their host when the title is blank. */
export function cleanCitations(citations: readonly unknown[]): Citation[] {
  const seen = new Set<string>();
  const clean: Citation[] = [];
  for (const citation of citations) {
    if (!isRecord(citation) || typeof citation["url"] !== "string" || !isWebUrl(citation["url"])) continue;
    const url = citation["url"];
    if (seen.has(url)) continue;
    seen.add(url);
    const title = typeof citation["title"] === "string" && citation["title"].trim() ? citation["title"].trim() : new URL(url).host;
    clean.push({ title, url });
  }
  return clean;
}

/** results.answer ({text, spokenText, citations, reused, ...}) when the session has one of that shape. */
export function readAnswer(results: unknown): AnswerView | null {
  const answer = isRecord(results) ? results["answer"] : undefined;
  if (!isRecord(answer) || typeof answer["text"] !== "string") return null;
  return {
    text: answer["text"],
    citations: cleanCitations(Array.isArray(answer["citations"]) ? answer["citations"] : []),
    reused: answer["reused"] === true,
  };
}

/** Inputs the person uploaded, which the results do not play back to them. */
export function isInputRole(role: string): boolean {
  return role.startsWith("input-");
}

/** The preferred role's artifact, else the newest of the kind that `accept` lets through. */
function pick(artifacts: readonly Artifact[], kind: string, preferredRole: string, accept: (artifact: Artifact) => boolean): Artifact | null {
  const candidates = artifacts.filter((artifact) => artifact.kind === kind && accept(artifact));
  return candidates.find((artifact) => artifact.role === preferredRole) ?? candidates.at(-1) ?? null;
}

/** The generated portrait (kind image, role portrait). */
export function pickPortrait(artifacts: readonly Artifact[]): Artifact | null {
  return artifacts.find((artifact) => artifact.kind === "image" && artifact.role === "portrait") ?? null;
}

/** Spoken audio: the answer's speech, else the newest audio that is not the uploaded recording (a conversation's reply). */
export function pickSpeech(artifacts: readonly Artifact[]): Artifact | null {
  return pick(artifacts, "audio", "answer-speech", (artifact) => !isInputRole(artifact.role));
}

/** The turn a conversation's artifact role ("turn-2-video") belongs to, else null. */
function turnOfRole(role: string): number | null {
  const match = /^turn-(\d+)-/.exec(role);
  return match ? Number(match[1]) : null;
}

/**
 * Every video, in order: the lip-sync's, then a conversation's per turn (by turn number, whatever order the renders
 * finished in), then any other (the whole conversation's).
 */
export function pickVideos(artifacts: readonly Artifact[]): Artifact[] {
  const rank = (artifact: Artifact) => (artifact.role === "lipsync-video" ? -1 : (turnOfRole(artifact.role) ?? Number.MAX_SAFE_INTEGER));
  return artifacts.filter((artifact) => artifact.kind === "video").sort((a, b) => rank(a) - rank(b));
}

function videoLabel(role: string): string {
  const turn = turnOfRole(role);
  if (turn !== null) return `Turn ${turn}`;
  return role === "conversation-video" ? "Whole conversation" : "Lip-synced video";
}

/** The results panel from the session (when loaded) and what its events said; media links prefixed with the API base. */
export function pickResults(session: Session | null, live: LiveResults, apiBase: string): ResultsView {
  const artifacts = session?.artifacts ?? [];
  const link = (artifact: Artifact | null) => (artifact ? mediaUrl(apiBase, artifact.url) : null);
  return {
    transcript: session?.transcript ?? live.transcript ?? null,
    prompt: session?.prompt ?? null,
    intent: session?.intent ?? live.intent ?? null,
    portraitUrl: link(pickPortrait(artifacts)),
    answer: (session ? readAnswer(session.results) : null) ?? live.answer ?? null,
    speechUrl: link(pickSpeech(artifacts)),
    videos: pickVideos(artifacts).map((artifact) => ({ url: mediaUrl(apiBase, artifact.url), role: artifact.role, label: videoLabel(artifact.role) })),
  };
}

/** False when the panel would be empty. */
export function hasResults(view: ResultsView): boolean {
  return Object.values(view).some((value) => (Array.isArray(value) ? value.length > 0 : value !== null));
}
