#!/bin/sh
# gemini-cli.sh: Google's gemini-cli and `jarvis -p` side by side on the fake
# Gemini server (bench/clicompare.py does the measuring).
#
# What it is for: installing @google/gemini-cli from the npm registry into a
# private prefix (once; re-runs reuse it) and running the comparison.
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
	prefix=${GEMINI_CLI_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/jarvis-bench/gemini-cli}
	gemini=$prefix/node_modules/.bin/gemini
	if [ ! -x "$gemini" ]; then
		if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
			echo "gemini-cli benchmark SKIPPED: npm and node are needed to install @google/gemini-cli (apt-get install npm)"
			exec python3 "$here/clicompare.py" "$@"
		fi
		echo "installing @google/gemini-cli@${GEMINI_CLI_VERSION:-latest} into $prefix"
		mkdir -p "$prefix"
		if ! npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
			"@google/gemini-cli@${GEMINI_CLI_VERSION:-latest}" >"$prefix/install.log" 2>&1; then
			echo "gemini-cli benchmark SKIPPED: npm install failed (see $prefix/install.log):"
			tail -5 "$prefix/install.log"
			exec python3 "$here/clicompare.py" "$@"
		fi
	fi
fi
echo "gemini-cli $("$gemini" --version 2>/dev/null || echo '?') at $gemini; node $(node --version)"
exec python3 "$here/clicompare.py" --gemini "$gemini" "$@"
