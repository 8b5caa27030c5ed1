package game

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/xdg"
	"github.com/k8squest/k8squest/levels"
)

// PlayerKubeconfigTimeout bounds setting the player's identity up for a shell.
const PlayerKubeconfigTimeout = 20 * time.Second

// playerKubeconfigPath is where the player's kubeconfig for namespace ns lives.
func playerKubeconfigPath(ns string) string {
	return filepath.Join(xdg.StateDir(), "players", ns+".kubeconfig")
}

// writePlayerKubeconfig mints a token for the player whose levels run in
// spec's namespace and writes its kubeconfig, returning the path.
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

// PlayerKubeconfig makes sure the player's identity may work in namespace
// ns of c (the default namespace when ns is empty), writes its kubeconfig
// and returns the path: `k8squest cluster kubeconfig --player`.
func PlayerKubeconfig(ctx context.Context, c *cluster.Cluster, ns string) (string, error) {
	if ns == "" {
		ns = levels.DefaultNamespace
	}
	if err := levels.ValidNamespace(ns); err != nil {
		return "", fmt.Errorf("--namespace: %w", err)
	}
	return writePlayerKubeconfig(ctx, c, play.Spec{Namespace: ns})
}

// PlayerKubeconfigPath is where the kubeconfig of the player's identity for
// level l lives. It does no I/O.
func (x *Game) PlayerKubeconfigPath(l *levels.Level) string {
	return playerKubeconfigPath(l.Namespace)
}

// WritePlayerKubeconfig makes sure the player's identity may work in the
// namespaces of level l, mints its token and writes its kubeconfig at
// PlayerKubeconfigPath, for the shell the game opens.
func (x *Game) WritePlayerKubeconfig(ctx context.Context, l *levels.Level) error {
	if x.cluster == nil {
		return errors.New("not connected to a cluster")
	}
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return fmt.Errorf("level %d: %w", l.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, PlayerKubeconfigTimeout)
	defer cancel()
	if _, err := writePlayerKubeconfig(ctx, x.cluster, spec); err != nil {
		return fmt.Errorf("set up the player's identity in namespace %s: %w", l.Namespace, err)
	}
	return nil
}
