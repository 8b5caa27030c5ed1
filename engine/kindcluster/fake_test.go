package kindcluster

import (
	"context"
	"errors"
	"sync"
	"testing"

	"k8s.io/client-go/rest"
	kind "sigs.k8s.io/kind/pkg/cluster"
	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/k8squest/k8squest/engine/cluster"
)

// testKubeconfig is what the fake's KubeConfig returns.
const testKubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: kind-k8squest
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: kind-k8squest
  user: {token: t}
contexts:
- name: kind-k8squest
  context: {cluster: kind-k8squest, user: kind-k8squest}
current-context: kind-k8squest
`

// fakeKind stands in for *kind.Provider.
type fakeKind struct {
	mu        sync.Mutex
	names     []string
	creates   int
	createOps int
	deletes   []string
	block     chan struct{}
	log       kindlog.Logger
}

func (f *fakeKind) List() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.names...), nil
}

func (f *fakeKind) Create(name string, opts ...kind.CreateOption) error {
	if f.block != nil {
		<-f.block
	}
	f.log.V(0).Infof(" • Ensuring node image (kindest/node:v1.35.0) 🖼  ...\n")
	f.log.V(0).Infof(" ✓ Ensuring node image (kindest/node:v1.35.0) 🖼\n")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	f.createOps = len(opts)
	f.names = append(f.names, name)
	return nil
}

func (f *fakeKind) Delete(name, kubeconfigPath string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, name+" "+kubeconfigPath)
	f.names = nil
	return nil
}

func (f *fakeKind) KubeConfig(name string, internal bool) (string, error) {
	return testKubeconfig, nil
}

// newTestProvider returns a provider on fake with HOME in a temp dir and
// events collected into evs.
func newTestProvider(t *testing.T, fake *fakeKind, ping error) (*Provider, *[]cluster.Event) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	var mu sync.Mutex
	evs := &[]cluster.Event{}
	rep := func(e cluster.Event) { mu.Lock(); *evs = append(*evs, e); mu.Unlock() }
	p := New(Options{StateDir: t.TempDir(), Reporter: rep})
	p.newAPI = func(l kindlog.Logger) (kindAPI, error) { fake.log = l; return fake, nil }
	p.ping = func(context.Context, *rest.Config) error { return ping }
	return p, evs
}

var errDown = errors.New("connection refused")
