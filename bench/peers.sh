#!/bin/sh
# peers.sh: installs the peers the benchmarks compare Jarvis with, each into
# a private prefix under $XDG_CACHE_HOME/jarvis-bench (once; re-runs reuse it).
#
# What it is for: aichat (native Rust, from crates.io with cargo) and Google's
# gemini-cli (Node, from the npm registry with npm), so that bench/startup.py
# and bench/clicompare.py can put their figures beside Jarvis's.
# What it must not do: install anything globally, or fail the benchmarks
# when a registry or a tool is missing (it says what was skipped and exits 0).
#
#   bench/peers.sh [aichat] [gemini-cli]     (both when none is named)
#   AICHAT_PREFIX=DIR      GEMINI_CLI_PREFIX=DIR     where to install
#   AICHAT_VERSION=V       GEMINI_CLI_VERSION=V      version (default: latest)
set -u
cache=${XDG_CACHE_HOME:-$HOME/.cache}/jarvis-bench

install_aichat() {
	prefix=${AICHAT_PREFIX:-$cache/aichat}
	if [ -x "$prefix/bin/aichat" ]; then
		echo "aichat: $("$prefix/bin/aichat" --version) at $prefix/bin/aichat"
		return
	fi
	if ! command -v cargo >/dev/null 2>&1; then
		echo "aichat SKIPPED: cargo is needed to build it from crates.io (apt-get install cargo, or rustup)"
		return
	fi
	spec=aichat${AICHAT_VERSION:+@$AICHAT_VERSION}
	echo "installing $spec into $prefix with cargo (a release build: several minutes on 2 cores)"
	mkdir -p "$prefix"
	if ! cargo install --locked --root "$prefix" "$spec" >"$prefix/install.log" 2>&1; then
		echo "aichat SKIPPED: cargo install failed (see $prefix/install.log):"
		tail -5 "$prefix/install.log"
		return
	fi
	echo "aichat: $("$prefix/bin/aichat" --version) at $prefix/bin/aichat"
}

install_gemini_cli() {
	prefix=${GEMINI_CLI_PREFIX:-$cache/gemini-cli}
	gemini=$prefix/node_modules/.bin/gemini
	if [ -x "$gemini" ]; then
		echo "gemini-cli: $("$gemini" --version 2>/dev/null || echo '?') at $gemini"
		return
	fi
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		echo "gemini-cli SKIPPED: npm and node are needed to install @google/gemini-cli (apt-get install npm)"
		return
	fi
	spec=@google/gemini-cli@${GEMINI_CLI_VERSION:-latest}
	echo "installing $spec into $prefix with npm"
	mkdir -p "$prefix"
	if ! npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "$spec" \
		>"$prefix/install.log" 2>&1; then
		echo "gemini-cli SKIPPED: npm install failed (see $prefix/install.log):"
		tail -5 "$prefix/install.log"
		return
	fi
	echo "gemini-cli: $("$gemini" --version 2>/dev/null || echo '?') at $gemini"
}

[ $# -gt 0 ] || set -- aichat gemini-cli
for peer in "$@"; do
	case $peer in
	aichat) install_aichat ;;
	gemini-cli) install_gemini_cli ;;
	*) echo "peers.sh: unknown peer '$peer' (aichat or gemini-cli)" >&2; exit 2 ;;
	esac
done
