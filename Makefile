# k8squest's make targets. `make test` is the one CI runs.
GO        ?= go
K8SQUEST  := $(GO) run ./cmd/k8squest
TEST_TIMEOUT ?= 40m
# -parallel: the integration tests mostly wait on the cluster, and go test
# would otherwise run only GOMAXPROCS (2 here) parallel tests at once.
TEST_FLAGS   ?= -p 3 -parallel 8 -count=1

.PHONY: all build run fmt vet lint test unit cluster-up cluster-down bench fuzz

all: build

build:
	$(GO) build ./...

run:
	$(K8SQUEST)

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

# lint runs vet, checks gofmt, then golangci-lint with .golangci.yml
# (installed into the k8squest cache the first time; see scripts/lint.sh).
lint: vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "run make fmt"; exit 1; }
	@scripts/lint.sh

# test brings up the shared sim cluster (building its binaries the first
# time, about 10 minutes on two cores), runs vet and every test against it,
# and always tears it down, exiting with the tests' status.
test:
	@scripts/test.sh

# unit runs the tests against an already running cluster and leaves it up.
unit:
	$(GO) test $(TEST_FLAGS) -timeout $(TEST_TIMEOUT) ./...

cluster-up:
	$(K8SQUEST) cluster up --provider sim

cluster-down:
	$(K8SQUEST) cluster down --provider sim

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout $(TEST_TIMEOUT) ./...

# fuzz runs every fuzz target for FUZZTIME (default 10s; FUZZTIME=1m for longer).
fuzz:
	@scripts/fuzz.sh

# kind-up prepares this machine for the kind provider (root): a private
# Docker daemon, the node image built offline, stand-in images and egress
# rules. It prints export lines: eval "$(make -s kind-up)". See scripts/kind.
.PHONY: kind-up kind-down test-kind
kind-up:
	@scripts/kind/up.sh

# kind-down deletes the kind cluster, stops what kind-up started and checks
# that the machine is as kind-up found it.
kind-down:
	@scripts/kind/down.sh

# test-kind runs the kind suite (Go tests built with the kind tag) on a real
# kind cluster the game's kind provider creates, and always deletes it and
# runs kind-down afterwards, exiting with the tests' status (root).
test-kind:
	@scripts/test-kind.sh
