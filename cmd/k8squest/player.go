package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/xdg"
	"github.com/k8squest/k8squest/levels"
)

// playerKubeconfigPath is where the player's kubeconfig for namespace ns lives.
func playerKubeconfigPath(ns string) string {
	return filepath.Join(xdg.StateDir(), "players", ns+".kubeconfig")
}

// writePlayerKubeconfig mints a token for the player whose levels run in
// namespace ns and writes its kubeconfig, returning the path.
func writePlayerKubeconfig(ctx context.Context, c *cluster.Cluster, spec play.Spec) (string, error) {
	s, err := play.New(c, spec, nil)
	if err != nil {
		return "", err
	}
	path := playerKubeconfigPath(spec.Namespace)
	if err := s.WritePlayerKubeconfig(ctx, path); err != nil {
		return "", err
	}
	return path, nil
}

// newPlayerKubeconfigCmd is `k8squest cluster kubeconfig --player`'s work:
// print the path of a kubeconfig whose identity may only do what a learner may.
func (g *globals) printPlayerKubeconfig(ctx context.Context, c *cluster.Cluster) error {
	ns := g.namespace
	if ns == "" {
		ns = levels.DefaultNamespace
	}
	if err := levels.ValidNamespace(ns); err != nil {
		return fmt.Errorf("--namespace: %w", err)
	}
	path, err := writePlayerKubeconfig(ctx, c, play.Spec{Namespace: ns})
	if err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, path)
	return nil
}

// playerShellKubeconfig writes the player's kubeconfig for level l, for the
// shell the game opens.
func (x *game) playerShellKubeconfig(l *levels.Level) (string, error) {
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return writePlayerKubeconfig(ctx, x.cluster, spec)
}

func addPlayerFlag(c *cobra.Command, player *bool) {
	c.Flags().BoolVar(player, "player", false, "print the player's kubeconfig (a ServiceAccount limited to the level's namespaces) instead of the admin one")
}
