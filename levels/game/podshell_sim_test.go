package game

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8squest/k8squest/engine/simtest"
)

// On the sim, whose pods never run, `s` over SSH opens nothing and says
// how to use kubectl from the learner's own machine.
func TestRemoteShellOnSimGivesTheKubeconfigRoute(t *testing.T) {
	c := simtest.Cluster(t)
	const route = "ssh -p 2222 ana@class.example kubeconfig > kc"
	x, ctx := connectedOnSim(t, Options{Kubeconfig: c.Kubeconfig, RemoteShell: &RemoteShell{KubeconfigRoute: route}})
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

// With an advertised API address the player's kubeconfig names it, so a
// learner's own kubectl reaches the classroom's cluster from their machine.
func TestPlayerKubeconfigNamesTheAdvertisedServerOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	const server = "https://class.example:6443"
	x, ctx := connectedOnSim(t, Options{Kubeconfig: c.Kubeconfig, APIServer: server})
	l := x.Levels()[0]
	if err := x.WritePlayerKubeconfig(ctx, l); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.LoadFromFile(x.PlayerKubeconfigPath(l))
	if err != nil {
		t.Fatal(err)
	}
	for name, cl := range cfg.Clusters {
		if cl.Server != server || len(cl.CertificateAuthorityData) == 0 {
			t.Fatalf("cluster %s: server %q, CA %d bytes; want %s and the cluster's CA", name, cl.Server, len(cl.CertificateAuthorityData), server)
		}
	}
	if len(cfg.Clusters) != 1 || cfg.AuthInfos[cfg.Contexts[cfg.CurrentContext].AuthInfo].Token == "" {
		t.Fatalf("kubeconfig %+v, want one cluster and the player's token", cfg)
	}
}

// connectedOnSim is a game on o, through the current provider, in namespace
// podshell-sim with its own state, connected; ctx bounds the test's calls.
func connectedOnSim(t *testing.T, o Options) (*Game, context.Context) {
	t.Helper()
	o.Provider, o.Namespace, o.StateDir = "current", "podshell-sim", t.TempDir()
	x, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	if _, err := x.Connect(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return x, ctx
}
