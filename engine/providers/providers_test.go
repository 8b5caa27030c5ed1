package providers

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/k8squest/k8squest/engine/kindcluster"
)

// stubRuntime makes autodetection see rt ("" for none installed).
func stubRuntime(t *testing.T, rt string) {
	t.Helper()
	if rt == "" {
		stubDetect(t, kindcluster.Runtime{}, kindcluster.ErrNoContainerRuntime)
		return
	}
	stubDetect(t, kindcluster.Runtime{Name: rt, Binary: rt}, nil)
}

// stubDetect makes autodetection return rt and err.
func stubDetect(t *testing.T, rt kindcluster.Runtime, err error) {
	t.Helper()
	old := detectRuntime
	detectRuntime = func() (kindcluster.Runtime, error) { return rt, err }
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
		{"", "sim", "no Docker or Podman is installed; using the sim cluster"},
	}
	for _, tt := range tests {
		stubRuntime(t, tt.rt)
		p, reason, err := Get("", Options{StateDir: t.TempDir()})
		if err != nil || p.Name() != tt.want || !strings.Contains(reason, tt.reason) {
			t.Fatalf("runtime %q: Get = %v, %q, %v", tt.rt, p, reason, err)
		}
	}
}

func TestGetAutodetectPassesTheRuntimeToKind(t *testing.T) {
	t.Setenv(EnvProvider, "")
	stubDetect(t, kindcluster.Runtime{Name: "nerdctl", Binary: "finch"}, nil)
	p, _, err := Get("", Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	rt, err := p.(*kindcluster.Provider).Runtime()
	if err != nil || rt != (kindcluster.Runtime{Name: "nerdctl", Binary: "finch"}) {
		t.Fatalf("kind runs on %+v (%v), want the runtime that answered", rt, err)
	}
}

func TestGetSaysWhenDockerDoesNotAnswer(t *testing.T) {
	t.Setenv(EnvProvider, "")
	down := fmt.Errorf("docker is installed but not answering: %w", kindcluster.ErrRuntimeNotAnswering)
	stubDetect(t, kindcluster.Runtime{}, down)
	p, _, err := Get("", Options{StateDir: t.TempDir()})
	if !errors.Is(err, kindcluster.ErrRuntimeNotAnswering) || p != nil {
		t.Fatalf("Get = %v, %v; want the runtime's error, not the sim", p, err)
	}
}

func TestDetectFindsNoRuntimeWithoutBinaries(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(kindcluster.EnvKindProvider, "")
	if _, err := detectRuntime(); !errors.Is(err, kindcluster.ErrNoContainerRuntime) {
		t.Fatalf("err = %v with an empty PATH", err)
	}
}

func TestAdvertiseRefusedWhereItCannotWork(t *testing.T) {
	o := Options{StateDir: t.TempDir(), CacheDir: t.TempDir(), Kind: kindcluster.CreateOptions{Advertise: kindcluster.Advertise{Host: "class.example.org"}}}
	for name, want := range map[string]string{"sim": "127.0.0.1 only", "current": "kubeconfig's server"} {
		_, _, err := Get(name, o)
		if err == nil || !strings.Contains(err.Error(), "--advertise class.example.org") || !strings.Contains(err.Error(), want) {
			t.Errorf("Get(%s) with --advertise: %v, want a refusal saying %q", name, err, want)
		}
	}
	if _, _, err := Get("kind", o); err != nil {
		t.Errorf("Get(kind) with --advertise: %v", err)
	}
}

func TestAdvertiseKeepsTheEnvironmentsImage(t *testing.T) {
	t.Setenv(kindcluster.EnvNodeImage, "example/node:v1")
	p := newKind(Options{StateDir: t.TempDir(), Kind: kindcluster.CreateOptions{Advertise: kindcluster.Advertise{Host: "h.example"}}}, kindcluster.Runtime{})
	if got := p.CreateOptions(); got.NodeImage != "example/node:v1" || got.Advertise.Host != "h.example" {
		t.Fatalf("create options %+v, want the environment's image and the advertised host", got)
	}
}
