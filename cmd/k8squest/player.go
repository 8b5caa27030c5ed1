package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/levels/game"
)

// printPlayerKubeconfig is `k8squest cluster kubeconfig --player`'s work:
// print the path of a kubeconfig whose identity may only do what a learner may.
func (g *globals) printPlayerKubeconfig(ctx context.Context, c *cluster.Cluster) error {
	path, err := game.PlayerKubeconfig(ctx, c, g.options())
	if err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, path)
	return nil
}

func addPlayerFlag(c *cobra.Command, player *bool) {
	c.Flags().BoolVar(player, "player", false, "print the player's kubeconfig (a ServiceAccount limited to the level's namespaces) instead of the admin one")
}
