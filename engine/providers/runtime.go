package providers

import (
	"context"

	"github.com/k8squest/k8squest/engine/kindcluster"
)

// detectRuntime finds the container runtime for kind the way kind's own
// CLI does ($KIND_EXPERIMENTAL_PROVIDER, else the first of Docker, nerdctl,
// finch and Podman whose daemon answers). Tests replace it.
var detectRuntime = func() (kindcluster.Runtime, error) {
	return kindcluster.DetectRuntime(context.Background())
}
