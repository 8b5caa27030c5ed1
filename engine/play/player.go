package play

import (
	"context"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
)

// grantPlayer makes sure the player's identity exists and may work in every
// namespace of the level, and nowhere else.
func (s *Session) grantPlayer(ctx context.Context) error {
	if err := kube.EnsurePlayer(ctx, s.cs, s.spec.Namespace, s.spec.Level, s.spec.PlayerRules); err != nil {
		return err
	}
	for _, ns := range s.namespaces() {
		if err := kube.GrantNamespace(ctx, s.cs, s.spec.Namespace, ns, s.spec.Level); err != nil {
			return err
		}
	}
	return nil
}

// WritePlayerKubeconfig writes a kubeconfig for the player's identity,
// defaulting to the level's namespace. The API server enforces what it may do.
func (s *Session) WritePlayerKubeconfig(ctx context.Context, path string) error {
	if err := kube.EnsurePlayer(ctx, s.cs, s.spec.Namespace, s.spec.Level, s.spec.PlayerRules); err != nil {
		return err
	}
	token, err := kube.PlayerToken(ctx, s.cs, s.spec.Namespace)
	if err != nil {
		return err
	}
	return cluster.WriteTokenKubeconfig(s.cluster, kube.PlayerAccount(s.spec.Namespace), token, s.spec.Namespace, path)
}
