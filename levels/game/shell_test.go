package game

import (
	"context"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/levels"
)

// TestShellOnlyAsThePlayer: the shell's KUBECONFIG is the player's, never
// the user's own, and without a cluster there is no player kubeconfig to
// give it.
func TestShellOnlyAsThePlayer(t *testing.T) {
	t.Setenv("KUBECONFIG", "/home/me/.kube/real-cluster")
	l := &levels.Level{ID: 30, Namespace: "k8squest"}
	x := &Game{}
	if err := x.WritePlayerKubeconfig(context.Background(), l); err == nil || !strings.Contains(err.Error(), "not connected") {
		t.Fatalf("WritePlayerKubeconfig without a cluster = %v, want not connected", err)
	}
	kc := x.PlayerKubeconfigPath(l)
	if !strings.HasSuffix(kc, "/players/k8squest.kubeconfig") {
		t.Fatalf("player kubeconfig path %q", kc)
	}
	sh, err := x.Shell(context.Background(), l, kc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, kv := range sh.(*LocalShell).Env {
		if strings.HasPrefix(kv, "KUBECONFIG=") {
			got = append(got, kv)
		}
	}
	if len(got) != 1 || got[0] != "KUBECONFIG="+kc {
		t.Fatalf("shell KUBECONFIG = %q, want only the player's %q", got, kc)
	}
}
