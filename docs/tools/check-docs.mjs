// Checks Deckard's documentation (run through ../../scripts/check-docs.sh):
//   - every ```mermaid block in docs/*.md and README.md parses, with the mermaid package's own parser;
//   - every relative link in docs/*.md points at a file that exists (and at a heading that exists, for a #fragment
//     into a Markdown file), and so does every link from README.md into docs/.
// Prints one line per file, then exactly one line "docs: N passed, N failed"; exits 1 on any failure.
import { readdir, readFile, access } from "node:fs/promises";
import path from "node:path";
import { setUpDom } from "./dom.mjs";


const root = path.resolve(process.argv[2] ?? ".");
const rel = (file) => path.relative(root, file).split(path.sep).join("/");

setUpDom();
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

/** ```mermaid blocks with the line their text starts on (1-based). */
function mermaidBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split("\n");
  let current = null;
  let fence = null;
  lines.forEach((line, index) => {
    if (current === null && fence === null) {
      const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
      if (open) {
        fence = open[2];
        if (open[3].toLowerCase() === "mermaid") current = { line: index + 2, text: [] };
      }
      return;
    }
    if (new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(line)) {
      if (current) blocks.push({ line: current.line, text: current.text.join("\n") });
      current = null;
      fence = null;
      return;
    }
    current?.text.push(line);
  });
  return blocks;
}

/** The Markdown outside fenced code blocks and inline code, with each line's number kept. */
function prose(markdown) {
  const out = [];
  let fence = null;
  markdown.split("\n").forEach((line, index) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && marker) {
      fence = marker[1];
      return;
    }
    if (fence !== null) {
      if (new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(line)) fence = null;
      return;
    }
    out.push({ line: index + 1, text: line.replace(/`[^`]*`/g, "") });
  });
  return out;
}

/** Inline links and images [text](target) and reference definitions [label]: target. */
function links(markdown) {
  const found = [];
  for (const { line, text } of prose(markdown)) {
    for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ line, target: match[1] });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(text);
    if (definition) found.push({ line, target: definition[1] });
  }
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown) {
  const seen = new Map();
  const result = new Set();
  for (const { text } of prose(markdown.replace(/`([^`]*)`/g, "$1"))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1]
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

async function exists(file) {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function checkLink(from, target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return { skip: true }; // http:, mailto:, ...
  const [pathPart, fragment] = target.split("#", 2);
  const file = pathPart === "" ? from : path.resolve(path.dirname(from), decodeURI(pathPart.split("?")[0]));
  const name = rel(file);
  if (!(await exists(file))) {
    return { fail: `${target}: ${name} does not exist` };
  }
  if (fragment && file.endsWith(".md") && !anchors(await readFile(file, "utf8")).has(decodeURIComponent(fragment).toLowerCase())) {
    return { fail: `${target}: ${name} has no heading #${fragment}` };
  }
  return { pass: true };
}

const docs = (await readdir(path.join(root, "docs")))
  .filter((name) => name.endsWith(".md"))
  .sort()
  .map((name) => path.join(root, "docs", name));
const files = [...docs, path.join(root, "README.md")];

let passed = 0;
let failed = 0;
for (const file of files) {
  const name = rel(file);
  const markdown = await readFile(file, "utf8");
  const problems = [];

  const blocks = mermaidBlocks(markdown);
  let parsed = 0;
  for (const [index, block] of blocks.entries()) {
    try {
      await mermaid.parse(block.text);
      parsed++;
    } catch (error) {
      const message = String(error?.message ?? error).split("\n").filter(Boolean).slice(0, 4).join(" | ");
      problems.push(`${name}:${block.line}: diagram ${index + 1} does not parse: ${message}`);
    }
  }

  let linked = 0;
  let broken = 0;
  for (const link of links(markdown)) {
    const resolvedName = link.target.split("#")[0] === "" ? name : rel(path.resolve(path.dirname(file), link.target.split("#")[0]));
    // From README.md only the links into docs/ are this check's business.
    if (name === "README.md" && !resolvedName.startsWith("docs/")) continue;
    const outcome = await checkLink(file, link.target);
    if (outcome.skip) continue;
    if (outcome.fail) {
      broken++;
      problems.push(`${name}:${link.line}: broken link ${outcome.fail}`);
    } else linked++;
  }

  passed += parsed + linked;
  failed += blocks.length - parsed + broken;
  const diagrams = blocks.length === parsed
    ? `${parsed} ${parsed === 1 ? "diagram parses" : "diagrams parse"}`
    : `${parsed} of ${blocks.length} diagrams parse`;
  const linkText = broken === 0
    ? `${linked} ${linked === 1 ? "link resolves" : "links resolve"}`
    : `${broken} of ${linked + broken} links broken`;
  console.log(`${name}: ${diagrams}, ${linkText}`);
  for (const problem of problems) console.log(`  ${problem}`);
}

console.log(`docs: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
