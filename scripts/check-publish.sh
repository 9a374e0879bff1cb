#!/usr/bin/env bash
# Publishes each deployable service the way its Dockerfile does (dotnet publish -c Release, no OpenAPI document
# generation) into a temporary folder, and checks that the output holds the service's entry assembly.
# Prints one line per service, then exactly one line 'publish: N passed, N failed'; exits non-zero if any failed.
#
#   ./scripts/check-publish.sh                 # all four services
#   ./scripts/check-publish.sh Deckard.Api     # only the named ones
#
# The services publish one after another: they share Deckard.ServiceDefaults (and Api and Workers Deckard.Core),
# which the first publish builds and the next ones reuse; publishing them at once would race on those projects' obj/.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2

services=("$@")
if [[ ${#services[@]} -eq 0 ]]; then
  services=(Deckard.Api Deckard.Workers Deckard.OpenAIMock Deckard.RunPodMock)
fi

output="$(mktemp -d "${TMPDIR:-/tmp}/deckard-publish.XXXXXX")"
trap 'rm -rf "$output"' EXIT

passed=0
failed=0
for service in "${services[@]}"; do
  project="$service/$service.csproj"
  started=$SECONDS
  if [[ ! -f "$project" ]]; then
    echo "FAIL  $service: no $project"
    failed=$((failed + 1))
    continue
  fi

  # The entry assembly is the project's AssemblyName, else the project's name (as the Dockerfile's ENTRYPOINT says).
  assembly="$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$project" | head -n 1)"
  assembly="${assembly:-$service}"
  log="$output/$service.log"
  if dotnet publish "$project" -c Release -o "$output/$service" -p:OpenApiGenerateDocuments=false --nologo >"$log" 2>&1; then
    missing=""
    for file in "$assembly.dll" "$assembly.runtimeconfig.json" "$assembly.deps.json"; do
      [[ -f "$output/$service/$file" ]] || missing="$missing $file"
    done
    if [[ -z "$missing" ]]; then
      echo "ok    $service: $assembly.dll, $(du -sh "$output/$service" | cut -f1) ($((SECONDS - started)) s)"
      passed=$((passed + 1))
    else
      echo "FAIL  $service: published, but without$missing ($((SECONDS - started)) s)"
      failed=$((failed + 1))
    fi
  else
    echo "FAIL  $service: dotnet publish failed ($((SECONDS - started)) s):"
    grep -E ": (error|warning) " "$log" | awk '!seen[$0]++' | tail -n 20 | sed 's/^/      /'
    failed=$((failed + 1))
  fi
done

echo "publish: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
