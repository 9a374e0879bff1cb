#!/usr/bin/env bash
# Runs the whole Deckard topology locally: installs what is missing, builds, then runs the AppHost
# (PostgreSQL, Redis, api, workers, runpod-mock). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Deckard.sln -nologo -clp:ErrorsOnly
exec dotnet run --project Deckard.AppHost --no-build -- "$@"
