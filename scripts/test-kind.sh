#!/usr/bin/env bash
# test-kind.sh (make test-kind): runs the kind suite on a real kind cluster.
# It prepares the machine (scripts/kind/up.sh), creates the cluster with the
# game's own kind provider, loads the stand-in images, runs the Go tests
# built with the kind tag (through the kind provider, then a subset through
# the current provider on the same cluster), and always deletes the cluster
# and restores the machine (scripts/kind/down.sh), exiting with the tests'
# status. Needs root, as the harness does.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
TEST_TIMEOUT=${TEST_TIMEOUT:-30m}
# The packages that hold kind tests (files with //go:build kind); engine/kindtest
# is their helper, vetted with them. engine/kindcluster's kind test makes a
# second cluster of its own, beside the game's, and deletes it.
KIND_PACKAGES=${KIND_PACKAGES:-./levels ./engine/kindcluster}
# Under the kind tag the levels package also compiles its sim-only tests
# (faults, player solutions, benchmarks); these patterns pick the ones that
# play on kind: every level's tests and the kind-only tests.
KIND_RUN=${KIND_RUN:-'^(TestKind|TestLevel(2[1-9]|30))'}
# Every level's traffic test and its broken and fixed states, again through
# the current provider.
CURRENT_RUN=${CURRENT_RUN:-'^(TestKindTrafficLevel(2[1-9]|30)|TestLevel(2[1-9]|30)(Broken|Fixed))$'}
KIND_PARALLEL=${KIND_PARALLEL:-4}

t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }
work=$(mktemp -d)
cli=$work/k8squest
echo "== building k8squest"
$GO build -o "$cli" ./cmd/k8squest

down() {
	echo "== deleting the kind cluster ($(elapsed))"
	"$cli" cluster down --provider kind </dev/null || echo "test-kind: cluster down failed" >&2
	echo "== kind-down ($(elapsed))"
	scripts/kind/down.sh || { echo "test-kind: kind-down failed" >&2; status=1; }
	rm -rf "$work"
	echo "== test-kind exited with status $status after $(elapsed)"
	exit "$status"
}
status=1
trap down EXIT

echo "== kind-up"
env=$(scripts/kind/up.sh)
eval "$env"
echo "$env"

echo "== creating the kind cluster with the game's provider ($(elapsed))"
"$cli" cluster up --provider kind --image "$K8SQUEST_KIND_IMAGE" --config "$K8SQUEST_KIND_CONFIG" </dev/null
echo "== loading the stand-in images ($(elapsed))"
scripts/kind/up.sh >/dev/null

status=0
echo "== go vet -tags kind ($(elapsed))"
# shellcheck disable=SC2086
$GO vet -tags kind ./engine/kindtest $KIND_PACKAGES || status=$?
echo "== kind suite through the kind provider ($(elapsed))"
# shellcheck disable=SC2086
$GO test -tags kind -count=1 -p 1 -parallel "$KIND_PARALLEL" -timeout "$TEST_TIMEOUT" \
	-run "$KIND_RUN" $KIND_PACKAGES || status=$?
echo "== level tests through the current provider on the same cluster ($(elapsed))"
K8SQUEST_KIND_TEST_PROVIDER=current $GO test -tags kind -count=1 -parallel "$KIND_PARALLEL" \
	-timeout "$TEST_TIMEOUT" -run "$CURRENT_RUN" ./levels || status=$?
echo "== kind suite exited with status $status ($(elapsed))"
