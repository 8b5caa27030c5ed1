package dns

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

func TestDirectRecords(t *testing.T) {
	s := startServer(t)
	r := Direct(s.addr)
	defer r.Close()
	tests := []struct {
		name  string
		typ   Type
		rcode string
		value string
	}{
		{"web.default.svc.cluster.local", A, "NOERROR", "10.0.0.1"},
		{"_http._tcp.web.default.svc.cluster.local.", SRV, "NOERROR", "0 100 80 web-0.web.default.svc.cluster.local."},
		{"1.0.0.10.in-addr.arpa", PTR, "NOERROR", "web.default.svc.cluster.local."},
		{"nothing.example", A, "NXDOMAIN", ""},
		{"servfail.example", A, "SERVFAIL", ""},
		{"web.default.svc.cluster.local", AAAA, "NOERROR", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.typ), func(t *testing.T) {
			a, err := r.Query(context.Background(), tt.name, tt.typ)
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if a.Rcode != tt.rcode || a.Type != tt.typ {
				t.Fatalf("got rcode %s type %s, want %s %s", a.Rcode, a.Type, tt.rcode, tt.typ)
			}
			checkValue(t, a, tt.value)
		})
	}
}

func checkValue(t *testing.T, a Answer, want string) {
	t.Helper()
	if want == "" {
		if len(a.Records) != 0 {
			t.Fatalf("got records %+v, want none", a.Records)
		}
		return
	}
	if len(a.Records) != 1 || a.Records[0].Value != want {
		t.Fatalf("got records %+v, want one with value %q", a.Records, want)
	}
}

func TestDirectSRVFields(t *testing.T) {
	s := startServer(t)
	a, err := Direct(s.addr).Query(context.Background(), "_http._tcp.web.default.svc.cluster.local", SRV)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Records[0]
	if r.Port != 80 || r.Target != "web-0.web.default.svc.cluster.local." || r.TTL != 5 {
		t.Fatalf("SRV record %+v", r)
	}
}

func TestDirectTruncationFallsBackToTCP(t *testing.T) {
	s := startServer(t)
	a, err := Direct(s.addr).Query(context.Background(), "big.example", A)
	if err != nil {
		t.Fatal(err)
	}
	checkValue(t, a, "10.9.9.9")
	got := s.questions()
	if len(got) != 2 || got[0] != "udp big.example." || got[1] != "tcp big.example." {
		t.Fatalf("questions %q, want UDP then TCP", got)
	}
}

func TestDirectUnreachable(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var got atomic.Int32
	go swallow(pc, &got)
	r := &direct{addr: pc.LocalAddr().String(), timeout: 200 * time.Millisecond}
	start := time.Now()
	_, err = r.Query(context.Background(), "web.default.svc.cluster.local", A)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v, want about two timeouts", d)
	}
	if n := got.Load(); n != 2 {
		t.Fatalf("server saw %d queries, want 2 (one retry)", n)
	}
}

// swallow reads and counts packets without ever answering.
func swallow(pc net.PacketConn, n *atomic.Int32) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := pc.ReadFrom(buf); err != nil {
			return
		}
		n.Add(1)
	}
}

func TestDirectDefaultTimeoutUnreachable(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = Direct(pc.LocalAddr().String()).Query(ctx, "x.example", A)
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrUnreachable wrapping the deadline", err)
	}
}

func TestParseType(t *testing.T) {
	if typ, err := ParseType("srv"); err != nil || typ != SRV {
		t.Fatalf("ParseType(srv) = %v, %v", typ, err)
	}
	if _, err := ParseType("MX"); err == nil {
		t.Fatal("ParseType(MX) succeeded")
	}
}
