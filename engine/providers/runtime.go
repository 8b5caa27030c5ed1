package providers

import (
	"context"
	"os/exec"
	"time"
)

// RuntimeTimeout bounds each `docker info` / `podman info` probe.
const RuntimeTimeout = 3 * time.Second

// runtimes are the container runtimes kind can use, in preference order.
var runtimes = []string{"docker", "podman"}

// detectRuntime returns the name of the first runtime whose daemon answers,
// or "". Tests replace it.
var detectRuntime = func() string {
	for _, rt := range runtimes {
		if answers(rt) {
			return rt
		}
	}
	return ""
}

// answers reports whether `<rt> info` succeeds within RuntimeTimeout; a
// client with no daemon behind it fails.
func answers(rt string) bool {
	path, err := exec.LookPath(rt)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), RuntimeTimeout)
	defer cancel()
	return exec.CommandContext(ctx, path, "info").Run() == nil
}
