#!/usr/bin/env bash
# Runs golangci-lint with .golangci.yml on every package. The pinned version
# is installed into k8squest's cache directory the first time (a few minutes
# of compiling) and reused while it is the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
VERSION=v2.15.0
bin="${XDG_CACHE_HOME:-$HOME/.cache}/k8squest/bin"
lint="$bin/golangci-lint"

if ! "$lint" version 2>/dev/null | grep -qE "version v?${VERSION#v}( |$)"; then
	echo "== installing golangci-lint $VERSION into $bin"
	mkdir -p "$bin"
	GOBIN="$bin" $GO install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$VERSION"
fi
# Twice: the plain build, and with the kind tag, which adds the kind suite's
# files (and leaves out the few marked !kind).
"$lint" run "$@" ./...
exec "$lint" run --build-tags kind "$@" ./...
