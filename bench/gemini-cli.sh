#!/bin/sh
# gemini-cli.sh: Google's gemini-cli and `jarvis -p` side by side on the fake
# Gemini server (bench/clicompare.py does the measuring).
#
# What it is for: installing @google/gemini-cli from the npm registry into a
# private prefix (bench/peers.sh; once, re-runs reuse it) and running the
# comparison.
# What it must not do: install anything globally, touch ~/.gemini, or fail
# the build when npm is missing (it says so and exits 0).
#
#   bench/gemini-cli.sh [--runs N]
#   GEMINI_CLI_PREFIX=DIR   where to install (default: $XDG_CACHE_HOME/jarvis-bench/gemini-cli)
#   GEMINI_CLI_VERSION=V    npm version spec (default: latest)
#   GEMINI_CLI=PATH         use this gemini executable instead of installing
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gemini=${GEMINI_CLI:-}
if [ -z "$gemini" ]; then
	sh "$here/peers.sh" gemini-cli
	gemini=${GEMINI_CLI_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/jarvis-bench/gemini-cli}/node_modules/.bin/gemini
	[ -x "$gemini" ] || exec python3 "$here/clicompare.py" "$@"
fi
echo "gemini-cli $("$gemini" --version 2>/dev/null || echo '?') at $gemini; node $(node --version)"
exec python3 "$here/clicompare.py" --gemini "$gemini" "$@"
