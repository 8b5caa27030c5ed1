package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestRunStopsWithContext(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	pr, pw := io.Pipe()
	defer pw.Close()
	var out bytes.Buffer
	err := Run(ctx, newFakeBackend(), Options{Input: pr, Output: &out})
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v", err)
	}
	if !bytes.Contains(out.Bytes(), []byte("k8squest")) {
		t.Fatalf("nothing drawn: %q", out.String())
	}
}
