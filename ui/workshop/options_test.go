package workshop

import (
	"path/filepath"
	"testing"

	"github.com/k8squest/k8squest/engine/kindcluster"
)

// A learner's game plays in their own namespace with their own files, on
// the advertised API address, with the server's --shell-image and the
// server's own SSH address in the kubeconfig route.
func TestLearnerGameOptions(t *testing.T) {
	w := &Workshop{opts: Options{Provider: "kind", Workshop: "ws", StateDir: "/state", ShellImage: "example.com/tools:1.0",
		Advertise: kindcluster.Advertise{Host: "class.example"}}, sshAddr: "0.0.0.0:2222"}
	o := w.gameOptionsLocked("bob")
	if o.Namespace != "ws-bob" || o.ProgressPath != filepath.Join("/state", "learners", "bob", "progress.json") || !o.Shared {
		t.Errorf("bob's game: namespace %q, progress %q, shared %t", o.Namespace, o.ProgressPath, o.Shared)
	}
	if o.RemoteShell == nil || o.RemoteShell.Image != "example.com/tools:1.0" {
		t.Fatalf("bob's shell: %+v, want the server's --shell-image", o.RemoteShell)
	}
	if o.RemoteShell.KubeconfigRoute != "ssh -p 2222 bob@HOST kubeconfig > kc" {
		t.Errorf("bob's kubeconfig route: %q", o.RemoteShell.KubeconfigRoute)
	}
	if o.APIServer == "" {
		t.Error("bob's kubeconfig does not name the advertised API server")
	}
}
