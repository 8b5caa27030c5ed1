package game

import (
	"os"
	"os/exec"
	"strings"

	"github.com/k8squest/k8squest/levels"
)

// Shell returns the player's interactive shell: $SHELL (else /bin/sh), its
// KUBECONFIG the player's own (kubeconfig, written by
// WritePlayerKubeconfig), defaulting to the level's namespace. It is only
// ever built with a player kubeconfig: never one that falls back to the
// user's own.
func (x *Game) Shell(l *levels.Level, kubeconfig string) *exec.Cmd {
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/sh"
	}
	cmd := exec.Command(sh)
	cmd.Env = append(withoutEnv(os.Environ(), "KUBECONFIG"), "KUBECONFIG="+kubeconfig, "K8SQUEST_NAMESPACE="+l.Namespace)
	return cmd
}

// withoutEnv returns env without the variable named name.
func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
