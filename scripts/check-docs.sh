#!/usr/bin/env bash
# Checks the documentation: every ```mermaid block in docs/*.md and README.md parses (the npm package mermaid's own
# parser, run in Node with a jsdom window), and every relative link in docs/*.md, and from README.md into docs/,
# points at a file (and heading) that exists. Prints a line per file, then "docs: N passed, N failed"; exits 1 on a
# failure. The checker's packages are pinned in docs/tools/package-lock.json and installed there with npm ci (again
# only when the lock file changed since the last install).
set -euo pipefail
cd "$(dirname "$0")/.."

tools=docs/tools
stamp="$tools/node_modules/.installed-from-package-lock.json"
if ! cmp -s "$tools/package-lock.json" "$stamp" 2>/dev/null; then
  if ! log=$(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    printf '%s\n' "$log" >&2
    echo "check-docs: npm ci in $tools failed" >&2
    exit 2
  fi
  cp "$tools/package-lock.json" "$stamp"
fi

exec node "$tools/check-docs.mjs" .
