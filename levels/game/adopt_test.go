package game

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
)

// closeCounter is a resolver that counts its closes.
type closeCounter struct{ closed int }

func (r *closeCounter) Query(context.Context, string, dns.Type) (dns.Answer, error) {
	return dns.Answer{}, nil
}
func (r *closeCounter) Close() error { r.closed++; return nil }

// TestAdoptedConnectionIsSharedNotOwned: a game that adopts a connection
// plays on it without connecting, and leaves it open when it closes, for
// the other games that share it.
func TestAdoptedConnectionIsSharedNotOwned(t *testing.T) {
	r := &closeCounter{}
	c := &cluster.Cluster{Provider: "sim", Name: "shared"}
	dir := t.TempDir()
	x, err := New(Options{Provider: "no-such-provider", Namespace: "ws-ada", StateDir: dir,
		ProgressPath: filepath.Join(dir, "progress.json"), Adopt: &Conn{Cluster: c, Resolver: r}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := x.Reach(context.Background(), nil, true)
	if err != nil || d != "sim cluster shared" || x.Cluster() != c {
		t.Fatalf("Reach = %q, %v; cluster %p, want the adopted one %p", d, err, x.Cluster(), c)
	}
	x.Close()
	if r.closed != 0 {
		t.Fatalf("closing the game closed the shared resolver %d time(s)", r.closed)
	}
	if _, err := New(Options{Adopt: &Conn{Resolver: r}}); err == nil {
		t.Fatal("a connection without a cluster was adopted")
	}
}
