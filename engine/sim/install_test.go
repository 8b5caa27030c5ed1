package sim

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNoGoToolchain(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cache := t.TempDir()
	p := New(Options{StateDir: t.TempDir(), CacheDir: cache, GoBin: "/nonexistent/go"})
	err := p.Install(context.Background())
	if !errors.Is(err, ErrNoGo) {
		t.Fatalf("Install = %v, want ErrNoGo", err)
	}
	for _, s := range []string{"install Go", "kube-apiserver", filepath.Join(cache, "bin"), "PATH"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if _, err := p.Up(context.Background()); !errors.Is(err, ErrNoGo) {
		t.Errorf("Up = %v, want ErrNoGo", err)
	}
}

func TestCorruptCachedBinaryIsRemoved(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cache := t.TempDir()
	bin := filepath.Join(cache, "bin", "kube-apiserver")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("\x7fELF garbage"), 0o755); err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	p := New(Options{StateDir: t.TempDir(), CacheDir: cache, GoBin: "/nonexistent/go", Reporter: ev.report})
	if err := p.Install(context.Background()); !errors.Is(err, ErrNoGo) {
		t.Fatalf("Install = %v, want ErrNoGo after removing the bad binary", err)
	}
	if !ev.has("cached kube-apiserver is corrupt or the wrong version") {
		t.Errorf("no message about the corrupt binary: %+v", ev.list)
	}
	if _, err := os.Stat(bin); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("corrupt binary still cached: %v", err)
	}
}

func TestWrongVersionOnPathIsIgnored(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\necho 'etcd Version: 3.5.0'\n"
	if err := os.WriteFile(filepath.Join(dir, "etcd"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	p := New(Options{CacheDir: t.TempDir(), GoBin: "/nonexistent/go"})
	if _, err := p.ensureBinary(context.Background(), binaries[3]); !errors.Is(err, ErrNoGo) {
		t.Errorf("ensureBinary(etcd) with a wrong PATH version = %v, want a build attempt (ErrNoGo)", err)
	}
	good := "#!/bin/sh\necho 'etcd Version: " + EtcdVersion + "'\n"
	if err := os.WriteFile(filepath.Join(dir, "etcd"), []byte(good), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := p.ensureBinary(context.Background(), binaries[3])
	if err != nil || got != filepath.Join(dir, "etcd") {
		t.Errorf("ensureBinary(etcd) = %q, %v; want the PATH binary", got, err)
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if err := checkPortFree(port); !errors.Is(err, ErrPortInUse) {
		t.Fatalf("checkPortFree(busy) = %v", err)
	}
	p := New(Options{StateDir: t.TempDir(), CacheDir: t.TempDir(), APIPort: port, GoBin: "/nonexistent/go"})
	_, err = p.Up(context.Background())
	if !errors.Is(err, ErrPortInUse) || !strings.Contains(err.Error(), "api port") {
		t.Fatalf("Up with a busy API port = %v", err)
	}
	ports, err := pickPorts(0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range []int{ports.Etcd, ports.EtcdPeer, ports.API, ports.Controller, ports.Scheduler, ports.Kwok, ports.DNS} {
		if p == 0 || seen[p] {
			t.Errorf("bad or duplicate port %d in %+v", p, ports)
		}
		seen[p] = true
	}
}

func TestCorefile(t *testing.T) {
	cf := corefile(5353, "/k/config")
	for _, s := range []string{".:5353 {", "bind 127.0.0.1", "kubeconfig /k/config", "pods insecure",
		"fallthrough in-addr.arpa ip6.arpa", "ttl 5", "cache 30 {", "disable success cluster.local", "disable denial cluster.local", "errors"} {
		if !strings.Contains(cf, s) {
			t.Errorf("Corefile lacks %q:\n%s", s, cf)
		}
	}
}
