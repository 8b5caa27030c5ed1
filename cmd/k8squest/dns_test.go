package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/dns"
)

func TestPrintAnswerLikeDigShort(t *testing.T) {
	var b bytes.Buffer
	printAnswer(&b, dns.Answer{Records: []dns.Record{
		{Value: "0 100 80 web-0.web.default.svc.cluster.local."},
		{Value: "0 100 80 web-1.web.default.svc.cluster.local."},
	}})
	want := "0 100 80 web-0.web.default.svc.cluster.local.\n0 100 80 web-1.web.default.svc.cluster.local.\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

func TestDNSErrorNamesEveryNameTried(t *testing.T) {
	nf := &dns.NotFoundError{Type: dns.A, Tried: []string{"web.default.svc.cluster.local", "web"}, Rcodes: []string{"NXDOMAIN", "NXDOMAIN"}}
	msg := dnsError("web", fmt.Errorf("wrapped: %w", nf)).Error()
	for _, n := range nf.Tried {
		if !strings.Contains(msg, n+": NXDOMAIN") {
			t.Fatalf("message %q does not name %s", msg, n)
		}
	}
}

// A malformed --dns-server is refused up front by every command, naming the
// flag; a good one is accepted.
func TestDNSServerFlagIsChecked(t *testing.T) {
	for _, bad := range []string{"10.96.0.10", ":53", "10.96.0.10:dns", "10.96.0.10:0", "10.96.0.10:70000", "[::1"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"levels", "--dns-server", bad}, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "--dns-server") || !strings.Contains(err.Error(), "HOST:PORT") {
			t.Errorf("--dns-server %q: err = %v, want an error naming the flag and HOST:PORT", bad, err)
		}
	}
}
