package play

import (
	"context"

	"github.com/k8squest/k8squest/engine/kube"
)

// protect puts the level's protections (Pod Security, quota, admission
// policies) on its namespaces. What the game's identity may not create is
// left out: the current provider's preflight has warned about it by name.
func (s *Session) protect(ctx context.Context) error {
	_, err := kube.Protect(ctx, s.cs, s.namespaces(), s.spec.Level, s.spec.Protections)
	return err
}
