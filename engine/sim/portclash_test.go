package sim

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// TestProcessPortClash starts a real cluster whose DNS port is taken: CoreDNS
// exits, and Up must say so, stop everything and leave no state behind.
func TestProcessPortClash(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	udp, err := net.ListenPacket("udp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	busy := ln.Addr().(*net.TCPAddr).Port
	pickPortsFn = func(api int) (Ports, error) {
		ps, err := pickPorts(api)
		ps.DNS = busy
		return ps, err
	}
	defer func() { pickPortsFn = pickPorts }()

	p := New(Options{StateDir: t.TempDir(), ReadyTimeout: 2 * time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	_, err = p.Up(ctx)
	if !errors.Is(err, ErrProcessExited) || !strings.Contains(err.Error(), "coredns") ||
		!strings.Contains(err.Error(), "already in use") {
		t.Fatalf("Up with a busy DNS port = %v", err)
	}
	t.Logf("Up said: %v", err)
	st, _ := p.State()
	if st != nil {
		t.Errorf("state left behind: %+v", st)
	}
	if _, err := p.Connect(ctx); err == nil {
		t.Error("Connect succeeded after a failed Up")
	}
}
