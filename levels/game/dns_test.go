package game

import (
	"context"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
)

// A well-formed --dns-server is accepted as it is; a malformed one is
// refused naming the flag.
func TestValidDNSServer(t *testing.T) {
	for _, good := range []string{"", "10.96.0.10:53", "[fd00::10]:53", "dns.example:5353"} {
		if addr, err := ValidDNSServer(good); err != nil || addr != good {
			t.Errorf("--dns-server %q: %q, %v", good, addr, err)
		}
	}
	for _, bad := range []string{"10.96.0.10", ":53", "10.96.0.10:dns", "10.96.0.10:0", "10.96.0.10:70000", "[::1"} {
		if _, err := ValidDNSServer(bad); err == nil || !strings.Contains(err.Error(), "--dns-server") {
			t.Errorf("--dns-server %q: %v, want an error naming the flag", bad, err)
		}
		if _, err := New(Options{DNSServer: bad}); err == nil || !strings.Contains(err.Error(), "--dns-server") {
			t.Errorf("New with DNSServer %q: %v, want an error naming the flag", bad, err)
		}
	}
}

// With a DNS server given, the game asks that server, not the cluster's.
func TestDNSServerIsHonoured(t *testing.T) {
	r, err := OpenDNS(context.Background(), &cluster.Cluster{DNSAddr: "127.0.0.1:9"}, "127.0.0.1:5353", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Query(context.Background(), "x.example", dns.A)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:5353") {
		t.Fatalf("err = %v, want it to have asked 127.0.0.1:5353", err)
	}
}
