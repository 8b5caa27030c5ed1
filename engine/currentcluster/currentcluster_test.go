package currentcluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8squest/k8squest/engine/cluster"
)

// apiServer answers /version like an API server.
func apiServer(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// writeKubeconfig writes a file with one cluster, user and context named name.
func writeKubeconfig(t *testing.T, dir, name, server string, current bool) string {
	t.Helper()
	cur := ""
	if current {
		cur = "current-context: " + name
	}
	body := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster: {server: %[2]q}
users:
- name: %[1]s
  user: {token: t-%[1]s}
contexts:
- name: %[1]s
  context: {cluster: %[1]s, user: %[1]s}
%[3]s
`, name, server, cur)
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// isolate points HOME and KUBECONFIG away from the real ones.
func isolate(t *testing.T, kubeconfig string) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBECONFIG", kubeconfig)
}

func TestExplicitKubeconfig(t *testing.T) {
	dir := t.TempDir()
	path := writeKubeconfig(t, dir, "one", apiServer(t), true)
	isolate(t, "")
	c, err := New(Options{Kubeconfig: path, StateDir: t.TempDir()}).Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Kubeconfig != path || c.Context != "one" || c.Provider != "current" || c.DNSAddr != "" || c.Domain != "cluster.local" {
		t.Fatalf("cluster %+v", c)
	}
}

func TestContextOverride(t *testing.T) {
	dir := t.TempDir()
	a := writeKubeconfig(t, dir, "a", "http://127.0.0.1:1", true)
	b := writeKubeconfig(t, dir, "b", apiServer(t), false)
	isolate(t, a+string(os.PathListSeparator)+b)
	state := t.TempDir()
	p := New(Options{Context: "b", StateDir: state})
	c, err := p.Up(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Context != "b" || c.Kubeconfig != p.FlatKubeconfigPath() {
		t.Fatalf("cluster %+v", c)
	}
	flat, err := clientcmd.LoadFromFile(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if flat.CurrentContext != "b" || len(flat.Contexts) != 1 || len(flat.Clusters) != 1 {
		t.Fatalf("flattened kubeconfig not minified to b: %+v", flat)
	}
}

func TestKubeconfigListUsesFirstCurrentContext(t *testing.T) {
	dir := t.TempDir()
	server := apiServer(t)
	a := writeKubeconfig(t, dir, "a", server, true)
	b := writeKubeconfig(t, dir, "b", "http://127.0.0.1:1", true)
	isolate(t, a+string(os.PathListSeparator)+b)
	c, err := New(Options{StateDir: t.TempDir()}).Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Context != "a" || c.REST.Host != server {
		t.Fatalf("got context %q host %q, want a at %s", c.Context, c.REST.Host, server)
	}
}

func TestSingleKubeconfigFromEnvIsUsedAsIs(t *testing.T) {
	path := writeKubeconfig(t, t.TempDir(), "one", apiServer(t), true)
	isolate(t, path)
	c, err := New(Options{StateDir: t.TempDir()}).Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Kubeconfig != path {
		t.Fatalf("Kubeconfig %q, want %q", c.Kubeconfig, path)
	}
}

func TestMissingFileIsNamed(t *testing.T) {
	isolate(t, "")
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := New(Options{Kubeconfig: missing}).Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want it to name %s", err, missing)
	}
}

func TestNoKubeconfigAtAll(t *testing.T) {
	isolate(t, "")
	_, err := New(Options{StateDir: t.TempDir()}).Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--provider kind or sim") {
		t.Fatalf("err = %v, want advice", err)
	}
}

func TestSilentServerIsNotRunning(t *testing.T) {
	path := writeKubeconfig(t, t.TempDir(), "gone", "http://127.0.0.1:1", true)
	isolate(t, "")
	p := New(Options{Kubeconfig: path})
	if _, err := p.Connect(context.Background()); !errors.Is(err, cluster.ErrNotRunning) {
		t.Fatalf("err = %v, want ErrNotRunning", err)
	}
	st, err := p.Status(context.Background())
	if err != nil || st.Running {
		t.Fatalf("status %+v, %v", st, err)
	}
}

func TestDownAndInstallAreNotManaged(t *testing.T) {
	p := New(Options{})
	if err := p.Down(context.Background()); !errors.Is(err, cluster.ErrNotManaged) {
		t.Fatalf("Down: %v", err)
	}
	if err := p.Install(context.Background()); !errors.Is(err, cluster.ErrNotManaged) {
		t.Fatalf("Install: %v", err)
	}
}
