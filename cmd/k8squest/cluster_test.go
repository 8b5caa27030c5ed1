package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// runClusterUp runs `k8squest cluster up ARGS...` and returns its error.
func runClusterUp(t *testing.T, args ...string) error {
	t.Helper()
	var out, errb bytes.Buffer
	return run(context.Background(), append([]string{"cluster", "up"}, args...), strings.NewReader(""), &out, &errb)
}

func TestClusterUpKindFlagsRefusedBySim(t *testing.T) {
	for _, flag := range []string{"--image", "--config"} {
		err := runClusterUp(t, "--provider", "sim", flag, "x")
		if err == nil || !strings.Contains(err.Error(), flag+" is a kind option") {
			t.Fatalf("%s with sim: err = %v, want it refused", flag, err)
		}
	}
}

func TestClusterUpKindBadConfigNamesFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "kind.yaml")
	err := runClusterUp(t, "--provider", "kind", "--config", missing)
	if err == nil || !strings.Contains(err.Error(), "--config") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want one naming --config and %s", err, missing)
	}
}

func TestClusterUpKindConfigFromEnv(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "env.yaml")
	t.Setenv("K8SQUEST_KIND_CONFIG", missing)
	err := runClusterUp(t, "--provider", "kind")
	if err == nil || !strings.Contains(err.Error(), "K8SQUEST_KIND_CONFIG") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want one naming $K8SQUEST_KIND_CONFIG's file %s", err, missing)
	}
}
