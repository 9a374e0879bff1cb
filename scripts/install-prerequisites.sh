#!/usr/bin/env bash
# Installs the OS packages Deckard needs on Debian/Ubuntu, skipping the ones already present.
#   PostgreSQL and Redis: the AppHost runs them as local processes (no container engine needed).
#   ffmpeg: media conversion; espeak-ng: speech for tests and the OpenAI stand-in; chromium: browser tests;
#   jq: the JSON in the docs' curl commands;
#   Node.js and npm (when no node is on the PATH): the TypeScript client in web/ and its tests.
set -euo pipefail

packages=(postgresql redis-server ffmpeg espeak-ng chromium jq)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} == 0)); then
  echo "prerequisites: all present (${packages[*]})"
  exit 0
fi

echo "prerequisites: installing ${missing[*]}"
sudo_cmd=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null; then
    echo "prerequisites: not root and no sudo; install these yourself: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q >/dev/null
# policy-rc.d-less machines may try to start the system services; Deckard never uses them.
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "prerequisites: installed ${missing[*]}"
