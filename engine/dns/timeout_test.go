package dns

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A server that takes a TCP question and never answers it (CoreDNS
// forwarding a dotless name upstream while offline) has answered: the name
// has no records. It is not an unreachable server.
func TestTCPTimeoutIsAnAnswer(t *testing.T) {
	s := startServer(t)
	r := &direct{addr: s.addr, timeout: 300 * time.Millisecond, tcpOnly: true}
	start := time.Now()
	a, err := r.Query(context.Background(), "backend", A)
	if err != nil {
		t.Fatalf("Query: %v, want an answer with rcode %s", err, RcodeTimeout)
	}
	if a.Rcode != RcodeTimeout || len(a.Records) != 0 {
		t.Fatalf("answer %+v, want rcode %s and no records", a, RcodeTimeout)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v, want one 300ms timeout", d)
	}
	if got := s.questions(); len(got) != 1 {
		t.Fatalf("server saw %q, want the question once (no retry over TCP)", got)
	}
}

func TestResolveBareNameTimeoutIsNotFound(t *testing.T) {
	s := startServer(t)
	r := &direct{addr: s.addr, timeout: 300 * time.Millisecond, tcpOnly: true}
	_, _, err := Resolve(context.Background(), r, "backend", "default", "cluster.local", A)
	var nf *NotFoundError
	if !errors.As(err, &nf) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want a NotFoundError, not unreachable", err)
	}
	want := []string{"NXDOMAIN", "NXDOMAIN", "NXDOMAIN", RcodeTimeout}
	if len(nf.Rcodes) != 4 || nf.Rcodes[3] != want[3] || nf.Tried[3] != "backend" {
		t.Fatalf("tried %q with %q, want the bare name last with %s", nf.Tried, nf.Rcodes, RcodeTimeout)
	}
}

// A refused connection is not an answer.
func TestTCPRefusedIsUnreachable(t *testing.T) {
	s := startServer(t)
	s.stop()
	r := &direct{addr: s.addr, timeout: 300 * time.Millisecond, tcpOnly: true}
	if _, err := r.Query(context.Background(), "web.default.svc.cluster.local", A); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}
