//go:build kind

package kindcluster

import (
	"slices"
	"testing"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// ownCluster creates kind cluster name beside the game's own, through the
// provider's create path with co (the node image and config file from the
// environment unless co names them), deletes one an earlier run left, and
// deletes it when the test ends. It returns the cluster's kubeconfig path.
func ownCluster(t *testing.T, name string, co CreateOptions) string {
	t.Helper()
	env := CreateOptionsFromEnv()
	if co.NodeImage == "" {
		co.NodeImage = env.NodeImage
	}
	if co.ConfigFile == "" {
		co.ConfigFile = env.ConfigFile
	}
	if co.NodeImage == "" {
		t.Fatalf("$%s is not set: eval \"$(make -s kind-up)\" first", EnvNodeImage)
	}
	p := New(Options{StateDir: t.TempDir(), CreateOptions: co,
		Reporter: func(e cluster.Event) { t.Logf("kind: %s %s %s", e.Step, e.State, e.Detail) }})
	api, err := p.api()
	if err != nil {
		t.Fatal(err)
	}
	del := func() {
		if err := api.Delete(name, p.KubeconfigPath()); err != nil {
			t.Errorf("delete kind cluster %s: %v", name, withOutput(err))
		}
	}
	if names, err := api.List(); err != nil {
		t.Fatalf("list kind clusters: %v", err)
	} else if slices.Contains(names, name) {
		t.Logf("deleting kind cluster %s, left by an earlier run", name)
		del()
	}
	opts, err := p.createOptions()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = api.Create(name, opts...)
	t.Cleanup(del)
	if err != nil {
		t.Fatalf("create kind cluster %s: %v", name, withOutput(err))
	}
	t.Logf("kind cluster %s created in %s", name, time.Since(start).Round(100*time.Millisecond))
	return p.KubeconfigPath()
}
