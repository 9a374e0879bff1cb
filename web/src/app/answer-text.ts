/**
 * The answer as the page shows it. Search answers come as Markdown (OpenAI's Responses API writes it): paragraphs,
 * "- " lists, **bold** and [links](https://...). This reads just that much into plain data, which the view turns into
 * elements through textContent; anything else stays literal text, and only http(s) links become links.
 */
import { isWebUrl } from "./results";

export type Inline = { kind: "text"; text: string } | { kind: "strong"; text: string } | { kind: "link"; text: string; href: string };

export type Block = { kind: "paragraph"; inlines: Inline[] } | { kind: "list"; items: Inline[][] };

const LIST_ITEM = /^\s*[-*]\s+(.*)$/;
// **bold**, or [label](url) with a url that has no spaces and balanced-free parentheses.
const INLINE = /\*\*(.+?)\*\*|\[([^\]]+)\]\(([^()\s]+)\)/g;

export function parseAnswer(text: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: "paragraph", inlines: parseInlines(paragraph.join(" ")) });
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      const last = blocks.at(-1);
      const inlines = parseInlines(item[1] ?? "");
      if (last?.kind === "list") last.items.push(inlines);
      else blocks.push({ kind: "list", items: [inlines] });
    } else if (line.trim() === "") {
      flush();
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks;
}

export function parseInlines(text: string): Inline[] {
  const inlines: Inline[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, strong, label, href] = match;
    const index = match.index;
    if (label !== undefined && href !== undefined && !isWebUrl(href)) continue;
    if (index > at) inlines.push({ kind: "text", text: text.slice(at, index) });
    if (strong !== undefined) inlines.push({ kind: "strong", text: strong });
    else inlines.push({ kind: "link", text: label ?? "", href: href ?? "" });
    at = index + whole.length;
  }
  if (at < text.length) inlines.push({ kind: "text", text: text.slice(at) });
  return inlines;
}
