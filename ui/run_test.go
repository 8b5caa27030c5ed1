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

// TestRunCtrlCIsInterrupted: Ctrl+C ends Run with ErrInterrupted, so the
// command exits as cancelled rather than as a normal quit.
func TestRunCtrlCIsInterrupted(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() { _, _ = pw.Write([]byte{0x03}) }()
	err := Run(ctx, newFakeBackend(), Options{Input: pr, Output: io.Discard})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run after ctrl+c = %v, want ErrInterrupted", err)
	}
}
