package main

import (
	"context"
	"errors"
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

// PlayerKubeconfigPath implements ui.Backend.
func (x *game) PlayerKubeconfigPath(l *levels.Level) string {
	return playerKubeconfigPath(l.Namespace)
}

// WritePlayerKubeconfig implements ui.Backend: it writes the player's
// kubeconfig for level l, for the shell the game opens.
func (x *game) WritePlayerKubeconfig(ctx context.Context, l *levels.Level) error {
	if x.cluster == nil {
		return errors.New("not connected to a cluster")
	}
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return fmt.Errorf("level %d: %w", l.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, playerKubeconfigTimeout)
	defer cancel()
	if _, err := writePlayerKubeconfig(ctx, x.cluster, spec); err != nil {
		return fmt.Errorf("set up the player's identity in namespace %s: %w", l.Namespace, err)
	}
	return nil
}

// playerKubeconfigTimeout bounds setting the player's identity up for a shell.
const playerKubeconfigTimeout = 20 * time.Second

func addPlayerFlag(c *cobra.Command, player *bool) {
	c.Flags().BoolVar(player, "player", false, "print the player's kubeconfig (a ServiceAccount limited to the level's namespaces) instead of the admin one")
}
