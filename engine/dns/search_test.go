package dns

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestSearchNames(t *testing.T) {
	tests := []struct {
		name, ns, domain string
		want             []string
	}{
		{"web", "default", "cluster.local", []string{
			"web.default.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"}},
		{"kubernetes.default", "game", "", []string{
			"kubernetes.default.game.svc.cluster.local", "kubernetes.default.svc.cluster.local",
			"kubernetes.default.cluster.local", "kubernetes.default"}},
		{"web.default.svc.cluster.local", "x", "cluster.local", []string{
			"web.default.svc.cluster.local.x.svc.cluster.local", "web.default.svc.cluster.local.svc.cluster.local",
			"web.default.svc.cluster.local.cluster.local", "web.default.svc.cluster.local"}},
		{"a.b.c.d.e.f", "x", "k.test", []string{
			"a.b.c.d.e.f", "a.b.c.d.e.f.x.svc.k.test", "a.b.c.d.e.f.svc.k.test", "a.b.c.d.e.f.k.test"}},
		{"web.default.svc.cluster.local.", "x", "cluster.local", []string{"web.default.svc.cluster.local"}},
		{"web", "", "cluster.local", []string{"web.svc.cluster.local", "web.cluster.local", "web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SearchNames(tt.name, tt.ns, tt.domain); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("SearchNames(%q, %q, %q) = %q, want %q", tt.name, tt.ns, tt.domain, got, tt.want)
			}
		})
	}
}

func TestResolveWalksSearchPath(t *testing.T) {
	s := startServer(t)
	tests := []struct {
		name, ns, asked, value string
		typ                    Type
	}{
		{"web", "default", "web.default.svc.cluster.local", "10.0.0.1", A},
		{"svc-only", "default", "svc-only.svc.cluster.local", "10.0.0.2", A},
		{"kubernetes.default", "game", "kubernetes.default.svc.cluster.local", "10.96.0.1", A},
		{"a.b.c.d.e.f", "default", "a.b.c.d.e.f", "10.0.0.3", A},
		{"_http._tcp.web", "default", "_http._tcp.web.default.svc.cluster.local", "0 100 80 web-0.web.default.svc.cluster.local.", SRV},
		{"10.0.0.1", "default", "1.0.0.10.in-addr.arpa", "web.default.svc.cluster.local.", PTR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked, a, err := Resolve(context.Background(), Direct(s.addr), tt.name, tt.ns, "cluster.local", tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if asked != tt.asked {
				t.Fatalf("answered by %q, want %q", asked, tt.asked)
			}
			checkValue(t, a, tt.value)
		})
	}
}

func TestResolveSkipsEmptyAnswers(t *testing.T) {
	s := startServer(t)
	_, _, err := Resolve(context.Background(), Direct(s.addr), "empty", "default", "cluster.local", A)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNoRecords) {
		t.Fatalf("err = %v, want *NotFoundError", err)
	}
	want := []string{"empty.default.svc.cluster.local", "empty.svc.cluster.local", "empty.cluster.local", "empty"}
	if !reflect.DeepEqual(nf.Tried, want) {
		t.Fatalf("tried %q, want %q", nf.Tried, want)
	}
	if nf.Rcodes[0] != "NOERROR" || nf.Rcodes[1] != "NXDOMAIN" {
		t.Fatalf("rcodes %q", nf.Rcodes)
	}
	asked := s.questions()
	if len(asked) != 4 || asked[0] != "udp empty.default.svc.cluster.local." {
		t.Fatalf("server saw %q", asked)
	}
}

func TestReverseName(t *testing.T) {
	tests := map[string]string{
		"10.96.0.10": "10.0.96.10.in-addr.arpa",
		"fd00::1":    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa",
	}
	for ip, want := range tests {
		if got, err := ReverseName(ip); err != nil || got != want {
			t.Fatalf("ReverseName(%s) = %q, %v; want %q", ip, got, err, want)
		}
	}
	if _, err := ReverseName("web"); err == nil {
		t.Fatal("ReverseName(web) succeeded")
	}
}

// failing is a Resolver whose server never answers.
type failing struct{}

func (failing) Query(context.Context, string, Type) (Answer, error) { return Answer{}, ErrUnreachable }
func (failing) Close() error                                        { return nil }

func TestResolveStopsWhenUnreachable(t *testing.T) {
	_, _, err := Resolve(context.Background(), failing{}, "web", "default", "cluster.local", A)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}
