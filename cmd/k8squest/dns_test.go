package main

import (
	"bytes"
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
