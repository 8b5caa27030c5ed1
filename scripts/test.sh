#!/usr/bin/env bash
# Runs the whole test suite against a sim cluster: starts it (building the
# binaries if needed), runs go vet and go test, and always tears it down.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
TEST_TIMEOUT=${TEST_TIMEOUT:-40m}
TEST_FLAGS=${TEST_FLAGS:--p 2 -count=1}

down() {
	echo "== tearing the sim cluster down"
	$GO run ./cmd/k8squest cluster down --provider sim || true
}
trap down EXIT

echo "== starting the sim cluster"
$GO run ./cmd/k8squest cluster up --provider sim </dev/null

echo "== go vet"
$GO vet ./...

echo "== go test"
status=0
# shellcheck disable=SC2086
$GO test $TEST_FLAGS -timeout "$TEST_TIMEOUT" ./... || status=$?
echo "== tests exited with status $status"
exit "$status"
