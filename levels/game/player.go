package game

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/levels"
)

// playerKubeconfigTimeout bounds setting the player's identity up for a shell.
const playerKubeconfigTimeout = 20 * time.Second

// playerKubeconfigPath is where the kubeconfig of the player whose levels
// run in namespace ns lives, in state directory dir.
func playerKubeconfigPath(dir, ns string) string {
	return filepath.Join(dir, "players", ns+".kubeconfig")
}

// writePlayerKubeconfig mints a token for the player whose levels run in
// spec's namespace and writes its kubeconfig in state directory dir,
// naming server as the API server's address when it is set, and returns
// the path.
func writePlayerKubeconfig(ctx context.Context, c *cluster.Cluster, dir, server string, spec play.Spec) (string, error) {
	s, err := play.New(c, spec, nil)
	if err != nil {
		return "", err
	}
	path := playerKubeconfigPath(dir, spec.Namespace)
	if err := s.WritePlayerKubeconfig(ctx, path); err != nil {
		return "", err
	}
	if server != "" {
		if err := cluster.SetKubeconfigServer(path, server); err != nil {
			return "", err
		}
	}
	return path, nil
}

// PlayerKubeconfig makes sure the player's identity may work in namespace
// o.Namespace of c (the levels' default namespace when it is empty), writes
// its kubeconfig in o's state directory and returns the path: `k8squest
// cluster kubeconfig --player`.
func PlayerKubeconfig(ctx context.Context, c *cluster.Cluster, o Options) (string, error) {
	ns := o.Namespace
	if ns == "" {
		ns = levels.DefaultNamespace
	}
	if err := levels.ValidNamespace(ns); err != nil {
		return "", fmt.Errorf("--namespace: %w", err)
	}
	return writePlayerKubeconfig(ctx, c, o.stateDir(), o.APIServer, play.Spec{Namespace: ns})
}

// PlayerKubeconfigPath is where the kubeconfig of the player's identity for
// level l lives. It does no I/O.
func (x *Game) PlayerKubeconfigPath(l *levels.Level) string {
	return playerKubeconfigPath(x.opts.stateDir(), l.Namespace)
}

// WritePlayerKubeconfig makes sure the player's identity may work in the
// namespaces of level l, mints its token and writes its kubeconfig at
// PlayerKubeconfigPath, for the shell the game opens.
func (x *Game) WritePlayerKubeconfig(ctx context.Context, l *levels.Level) error {
	c, _ := x.connection()
	if c == nil {
		return ErrNotConnected
	}
	spec, err := l.Spec(l.Namespace)
	if err != nil {
		return fmt.Errorf("level %d: %w", l.ID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, playerKubeconfigTimeout)
	defer cancel()
	if _, err := writePlayerKubeconfig(ctx, c, x.opts.stateDir(), x.opts.APIServer, spec); err != nil {
		return fmt.Errorf("set up the player's identity in namespace %s: %w", l.Namespace, err)
	}
	return nil
}
