package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/k8squest/k8squest/ui"
)

// TestFinish: what each way of ending prints, and its exit code.
func TestFinish(t *testing.T) {
	bySignal := func(sig syscall.Signal) context.Context {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(signalled{sig})
		return ctx
	}
	live := context.Background()
	cases := map[string]struct {
		ctx  context.Context
		err  error
		code int
		out  string
	}{
		"success":            {live, nil, 0, ""},
		"error":              {live, errors.New("level 99 does not exist"), 1, "k8squest: level 99 does not exist\n"},
		"quiet exit":         {live, exitError{code: 1}, 1, ""},
		"ctrl+c in the game": {live, ui.ErrInterrupted, 130, "k8squest: cancelled\n"},
		"sigint, no error":   {bySignal(syscall.SIGINT), nil, 130, "k8squest: cancelled\n"},
		"sigint mid-reset": {bySignal(syscall.SIGINT), fmt.Errorf("reset level 30: wait for namespace k8squest to be deleted: %w", context.Canceled), 130,
			"k8squest: cancelled: reset level 30: wait for namespace k8squest to be deleted (stopped before it finished)\n"},
		"sigint, checks failing": {bySignal(syscall.SIGINT), exitError{code: 1}, 130, "k8squest: cancelled\n"},
		"sigterm":                {bySignal(syscall.SIGTERM), nil, 143, "k8squest: cancelled\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out strings.Builder
			if code := finish(tc.ctx, tc.err, &out); code != tc.code || out.String() != tc.out {
				t.Fatalf("finish = %d, %q; want %d, %q", code, out.String(), tc.code, tc.out)
			}
		})
	}
}
