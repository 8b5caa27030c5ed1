#!/usr/bin/env bash
# Runs the whole test suite against a sim cluster: starts it (building the
# binaries if needed), runs go vet, golangci-lint and go test, and always
# tears it down, exiting with the tests' status. A cluster that was already
# running before is reused and left running.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
TEST_TIMEOUT=${TEST_TIMEOUT:-40m}
# -parallel 8: the integration tests mostly wait on the cluster (set-up,
# watches, namespace deletion), and go test would otherwise run only
# GOMAXPROCS (2 here) parallel tests of a package at once; -p 3 runs three
# packages at once for the same reason.
TEST_FLAGS=${TEST_FLAGS:--p 3 -parallel 8 -count=1}

t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }

# Build the CLI once, so that tearing down works even if the code under test
# stops compiling half way.
work=$(mktemp -d)
cli="$work/k8squest"
echo "== building k8squest"
$GO build -o "$cli" ./cmd/k8squest

started_here=true
down() {
	if [ "$started_here" = true ]; then
		echo "== tearing the sim cluster down"
		"$cli" cluster down --provider sim || true
	else
		echo "== leaving the sim cluster running (it was running before the tests)"
	fi
	rm -rf "$work"
}
trap down EXIT

echo "== starting the sim cluster"
"$cli" cluster up --provider sim </dev/null | tee "$work/up.log"
if grep -q "already running" "$work/up.log"; then started_here=false; fi

status=0
echo "== go vet ($(elapsed))"
$GO vet ./... || status=$?

echo "== golangci-lint ($(elapsed))"
scripts/lint.sh || status=$?

echo "== go test ($(elapsed))"
# shellcheck disable=SC2086
$GO test $TEST_FLAGS -timeout "$TEST_TIMEOUT" ./... || status=$?
echo "== fuzz targets, briefly ($(elapsed))"
scripts/fuzz.sh || status=$?
echo "== vet, lint, tests and fuzzing exited with status $status after $(elapsed)"
exit "$status"
