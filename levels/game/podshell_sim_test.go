package game

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/simtest"
)

// On the sim, whose pods never run, `s` over SSH opens nothing and says
// how to use kubectl from the learner's own machine.
func TestRemoteShellOnSimGivesTheKubeconfigRoute(t *testing.T) {
	c := simtest.Cluster(t)
	const route = "ssh -p 2222 ana@class.example kubeconfig > kc"
	x, err := New(Options{Provider: "current", Kubeconfig: c.Kubeconfig, Namespace: "podshell-sim", StateDir: t.TempDir(),
		RemoteShell: &RemoteShell{KubeconfigRoute: route}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := x.Connect(ctx, nil); err != nil {
		t.Fatal(err)
	}
	l := x.Levels()[0]
	sh, err := x.Shell(ctx, l, x.PlayerKubeconfigPath(l))
	var no *NoPodShellError
	if !errors.As(err, &no) || sh != nil {
		t.Fatalf("Shell on the sim = %v, %v; want a *NoPodShellError", sh, err)
	}
	if got := no.ShellRoute(); !strings.HasPrefix(got, route+"; KUBECONFIG=kc kubectl") {
		t.Fatalf("route %q, want it to start with %q", got, route)
	}
	if !strings.Contains(err.Error(), "no real pods") {
		t.Fatalf("error %q does not say why", err)
	}
}
