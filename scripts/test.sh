#!/usr/bin/env bash
# Runs the whole test suite against a sim cluster: starts it (building the
# binaries if needed), runs go vet and go test, and always tears it down.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
TEST_TIMEOUT=${TEST_TIMEOUT:-40m}
TEST_FLAGS=${TEST_FLAGS:--p 2 -count=1}

# A cluster that was already running before `make test` is left running.
started_here=true
down() {
	if [ "$started_here" = true ]; then
		echo "== tearing the sim cluster down"
		$GO run ./cmd/k8squest cluster down --provider sim || true
	else
		echo "== leaving the sim cluster running (it was running before the tests)"
	fi
}
trap down EXIT

echo "== starting the sim cluster"
up_log=$(mktemp)
$GO run ./cmd/k8squest cluster up --provider sim </dev/null | tee "$up_log"
if grep -q "already running" "$up_log"; then started_here=false; fi
rm -f "$up_log"

echo "== go vet"
$GO vet ./...

echo "== go test"
status=0
# shellcheck disable=SC2086
$GO test $TEST_FLAGS -timeout "$TEST_TIMEOUT" ./... || status=$?
echo "== tests exited with status $status"
exit "$status"
