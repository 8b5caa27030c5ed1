#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME each (default 10s): briefly in CI,
# longer on demand (FUZZTIME=1m make fuzz). Exits non-zero on the first crash.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
targets=(
	"./levels FuzzLoadSpec"
	"./engine/kube FuzzDecode"
	"./engine/progress FuzzLoad"
)
for t in "${targets[@]}"; do
	set -- $t
	echo "== fuzz $2 in $1 for $FUZZTIME"
	$GO test -run '^$' -fuzz "^$2\$" -fuzztime "$FUZZTIME" "$1"
done
