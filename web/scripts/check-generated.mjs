// Fails when src/lib/deckard-api.d.ts is not what `npm run generate` writes from ../openapi/Deckard.Api.json today,
// i.e. when the API changed and nobody regenerated the client's types (or someone hand-edited them).
// The input and output paths are read from the "generate" script itself, so the two cannot drift apart.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const match = /^openapi-typescript\s+(\S+)\s+-o\s+(\S+)$/.exec(pkg.scripts?.generate ?? "");
if (!match) {
  console.error('check:generated: expected the "generate" script to be `openapi-typescript <input> -o <output>`.');
  process.exit(2);
}
const [, input, committedPath] = match;

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("openapi-typescript/package.json")), "bin", "cli.js");
const scratch = mkdtempSync(join(tmpdir(), "deckard-api-"));
const fresh = join(scratch, "deckard-api.d.ts");
try {
  const run = spawnSync(process.execPath, [cli, input, "-o", fresh], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) {
    console.error(`check:generated: openapi-typescript failed (exit ${run.status}).\n${run.stderr}`);
    process.exit(2);
  }

  // Line endings may differ on a Windows checkout; the content may not.
  const read = (path) => readFileSync(path, "utf8").replace(/\r\n/g, "\n");
  let committed;
  try {
    committed = read(join(root, committedPath));
  } catch {
    console.error(`check:generated: ${committedPath} is missing; run \`npm run generate\` and commit it.`);
    process.exit(1);
  }
  const expected = read(fresh);
  if (committed !== expected) {
    const a = committed.split("\n");
    const b = expected.split("\n");
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    console.error(
      `check:generated: ${committedPath} is out of date with ${input} (first difference at line ${line + 1}).\n` +
        `  committed: ${JSON.stringify(a[line] ?? "<end of file>")}\n` +
        `  generated: ${JSON.stringify(b[line] ?? "<end of file>")}\n` +
        "Run `npm run generate` and commit the result; do not edit the file by hand.",
    );
    process.exit(1);
  }
  console.log(`check:generated: ${committedPath} matches ${input}.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
