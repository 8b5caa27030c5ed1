package providers

import (
	"strings"
	"testing"
)

// stubRuntime makes autodetection see rt ("" for none).
func stubRuntime(t *testing.T, rt string) {
	t.Helper()
	old := detectRuntime
	detectRuntime = func() string { return rt }
	t.Cleanup(func() { detectRuntime = old })
}

func TestGetByName(t *testing.T) {
	for _, name := range Names {
		p, reason, err := Get(name, Options{StateDir: t.TempDir(), CacheDir: t.TempDir()})
		if err != nil {
			t.Fatalf("Get(%s): %v", name, err)
		}
		if p.Name() != name || !strings.Contains(reason, "--provider") {
			t.Fatalf("Get(%s) = %s, %q", name, p.Name(), reason)
		}
	}
}

func TestGetUnknownNamesFlagAndValues(t *testing.T) {
	_, _, err := Get("minikube", Options{})
	if err == nil {
		t.Fatal("Get(minikube) succeeded")
	}
	for _, want := range append([]string{"--provider", "minikube"}, Names...) {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not mention %s", err, want)
		}
	}
}

func TestGetFromEnv(t *testing.T) {
	t.Setenv(EnvProvider, "current")
	stubRuntime(t, "docker")
	p, reason, err := Get("", Options{})
	if err != nil || p.Name() != "current" || !strings.Contains(reason, EnvProvider) {
		t.Fatalf("Get = %v, %q, %v", p, reason, err)
	}
	t.Setenv(EnvProvider, "bogus")
	if _, _, err := Get("", Options{}); err == nil || !strings.Contains(err.Error(), EnvProvider) {
		t.Fatalf("bad env: err = %v", err)
	}
}

func TestGetAutodetects(t *testing.T) {
	t.Setenv(EnvProvider, "")
	tests := []struct{ rt, want, reason string }{
		{"docker", "kind", "docker answered"},
		{"podman", "kind", "podman answered"},
		{"", "sim", "no Docker or Podman answered; using the sim cluster"},
	}
	for _, tt := range tests {
		stubRuntime(t, tt.rt)
		p, reason, err := Get("", Options{StateDir: t.TempDir()})
		if err != nil || p.Name() != tt.want || !strings.Contains(reason, tt.reason) {
			t.Fatalf("runtime %q: Get = %v, %q, %v", tt.rt, p, reason, err)
		}
	}
}

func TestAnswersFalseWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if answers("docker") {
		t.Fatal("docker answered with an empty PATH")
	}
}
