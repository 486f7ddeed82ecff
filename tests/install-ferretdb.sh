#!/bin/sh
# Installs FerretDB v1.24.2 (the MongoDB-compatible server the store tests
# run against) with the Go toolchain, from the Go module proxy.
# Idempotent: does nothing when the binary is already there.
set -eu
version=v1.24.2
gobin=$(go env GOPATH)/bin
if [ -x "$gobin/ferretdb" ] && "$gobin/ferretdb" --version 2>/dev/null | grep -q "${version#v}"; then
	echo "ferretdb $version already installed in $gobin"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$version"; then
	# Some proxies refuse the @version form's deprecation lookup; a scratch
	# module that records the tool works through the same proxy.
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	(cd "$scratch" && go mod init jarvis-ferretdb-install >/dev/null 2>&1 &&
		go get -tool "github.com/FerretDB/FerretDB/cmd/ferretdb@$version" &&
		go install github.com/FerretDB/FerretDB/cmd/ferretdb)
fi
# `go install` leaves out build/version/version.txt and that binary stops
# at start; rebuild it from the module cache with the file in place.
python3 "$here/ferretdb.py" build
"$gobin/ferretdb" --version | head -1
