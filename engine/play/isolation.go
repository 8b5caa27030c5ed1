package play

import (
	"context"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
)

// protectStep is the step under which protections left out are named.
const protectStep = "protect the level's namespaces"

// protect puts the level's protections (Pod Security, quota, admission
// policies) on its namespaces. What the game's identity may not create is
// left out and named as it goes: on a current cluster the preflight has
// warned about it already.
func (s *Session) protect(ctx context.Context, rep cluster.Reporter) error {
	skipped, err := kube.Protect(ctx, s.cs, s.namespaces(), s.spec.Level, s.spec.Protections)
	for _, what := range skipped {
		rep.Report(cluster.Event{Step: protectStep, State: cluster.StepInfo, Detail: "left out, as your identity may not create it: " + what})
	}
	return err
}
