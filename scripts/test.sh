#!/usr/bin/env bash
# Runs every Deckard test on a fresh Debian machine: installs what is missing, builds once, runs each test
# project in turn (they start real PostgreSQL, Redis and Deckard processes, so not in parallel), then prints
# one line "N passed, N failed" summing every run.
#   scripts/test.sh                 all test projects
#   scripts/test.sh Deckard.UnitTests   only the named ones (also: web, docs, publish)
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh || { echo "0 passed, 1 failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build Deckard.sln -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The build writes the OpenAPI document into openapi/: a difference from the committed one is an API change whose
# document (and the clients generated from it) was not committed.
drift=0
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- openapi/; then
  echo "openapi/ differs from the committed document after the build: commit openapi/Deckard.Api.json (git diff openapi/)"
  drift=1
fi

results="TestResults/$(date +%Y%m%d-%H%M%S)"
# Screenshots and other files tests keep for a person to look at (the dashboard test's pages, say).
export DECKARD_TEST_ARTIFACTS="$PWD/$results/artifacts"
mkdir -p "$results"
if (($# > 0)); then
  projects=()
  for name in "$@"; do [[ $name == web || $name == docs || $name == publish ]] || projects+=("tests/$name/$name.csproj"); done
else
  mapfile -t projects < <(ls tests/*/*.csproj)
fi

crashed=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || true
  if [[ ! -f "$results/$name.trx" ]]; then
    echo "$name produced no results (the test host crashed or did not start)"
    crashed=$((crashed + 1))
  fi
done

# The TypeScript client: its generated types match the OpenAPI document, it compiles in strict mode, and its unit
# tests (Vitest, no network) pass. Each check that cannot run counts as one failure.
web_passed=0
web_failed=0
if [[ " $* " == *" web "* || $# -eq 0 ]]; then
  echo "=== web"
  if (cd web && npm ci --no-audit --no-fund --loglevel=error); then
    (cd web && npm run --silent check:generated) || web_failed=$((web_failed + 1))
    (cd web && npm run --silent typecheck) && echo "web: types compile (strict)" || web_failed=$((web_failed + 1))
    (cd web && npx vitest run --reporter=default --reporter=junit --outputFile="../$results/web.junit.xml") || true
    if [[ -f "$results/web.junit.xml" ]]; then
      read -r tests failures errors < <(grep -o '<testsuites [^>]*>' "$results/web.junit.xml" |
        sed -E 's/.*tests="([0-9]+)".*failures="([0-9]+)".*errors="([0-9]+)".*/\1 \2 \3/')
      web_failed=$((web_failed + failures + errors))
      web_passed=$((web_passed + tests - failures - errors))
    else
      echo "web: vitest produced no results"
      web_failed=$((web_failed + 1))
    fi
  else
    echo "web: npm ci failed"
    web_failed=$((web_failed + 1))
  fi
fi

# The documentation (Mermaid diagrams parse, relative links resolve) and the deployment artifacts (each service
# publishes): each script ends with one "<name>: N passed, N failed" line, added to the totals.
checks_passed=0
checks_failed=0
for check in docs publish; do
  if [[ " $* " == *" $check "* || $# -eq 0 ]]; then
    echo "=== $check"
    line=$(bash "scripts/check-$check.sh" 2>&1 | tee /dev/stderr | grep -aE "^$check: [0-9]+ passed, [0-9]+ failed" | tail -n 1)
    if [[ -n $line ]]; then
      read -r _ p _ f _ <<<"${line//,/}"
      checks_passed=$((checks_passed + p))
      checks_failed=$((checks_failed + f))
    else
      echo "$check: the check gave no result"
      checks_failed=$((checks_failed + 1))
    fi
  fi
done

# Each TRX file carries <Counters total=".." passed=".." failed=".." ...>; sum them.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' |
    awk '{
      for (i = 1; i <= NF; i++) {
        split($i, kv, "=");
        gsub(/"|\/|>/, "", kv[2]);
        if (kv[1] == "passed") p += kv[2];
        if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += kv[2];
        if (kv[1] == "notExecuted") s += kv[2];
      }
    } END { printf "%d %d %d\n", p, f, s }')
# The failed .NET tests and the start of their messages, last, where a truncated log still shows them.
if ((failed > 0)); then
  echo "=== failed tests"
  perl -0777 -ne '
    while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="Failed"[^>]*>(.*?)<\/UnitTestResult>/sg) {
      my ($name, $body) = ($1, $2);
      my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
      $message = substr($message // "(no message)", 0, 800);
      for ($name, $message) { s/&#xD;//g; s/&#xA;/\n    /g; s/&quot;/"/g; s/&apos;/\x27/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/&/g; }
      print "FAILED $name\n    $message\n";
    }' "$results"/*.trx
fi
failed=$((failed + crashed + drift + web_failed + checks_failed))
passed=$((passed + web_passed + checks_passed))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
((failed == 0 && passed > 0))
