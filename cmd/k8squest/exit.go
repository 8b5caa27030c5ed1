package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/k8squest/k8squest/ui"
)

// Exit codes beyond 0 (success) and 1 (an error, or checks that fail).
const (
	// exitInterrupted is the shell's code for a command ended by Ctrl+C
	// (128 + SIGINT).
	exitInterrupted = 130
	// exitTerminated is 128 + SIGTERM.
	exitTerminated = 143
)

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig os.Signal }

// Error implements error.
func (s signalled) Error() string { return s.sig.String() }

// signalContext returns a context cancelled, with a signalled cause, on the
// first SIGINT or SIGTERM. After that first one the signals get their
// default action again, so a second Ctrl+C ends a command that hangs.
func signalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel(signalled{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// finish prints what ended the command and returns its exit code. A
// command cut short by a signal or by Ctrl+C in the game says it was
// cancelled and exits 130 (143 for SIGTERM), whatever it returned: never
// 0, and never an error that hides the cancellation.
func finish(ctx context.Context, err error, stderr io.Writer) int {
	var quiet exitError
	if code, ok := cancelled(ctx, err); ok {
		msg := "k8squest: cancelled"
		if err != nil && !errors.Is(err, ui.ErrInterrupted) && !errors.As(err, &quiet) {
			msg += ": " + strings.TrimSuffix(err.Error(), ": "+context.Canceled.Error()) + " (stopped before it finished)"
		}
		fmt.Fprintln(stderr, msg)
		return code
	}
	if err == nil {
		return 0
	}
	if !errors.As(err, &quiet) {
		fmt.Fprintln(stderr, "k8squest:", err)
	}
	return exitCode(err)
}

// cancelled reports whether the command was cut short, and its exit code.
func cancelled(ctx context.Context, err error) (int, bool) {
	var s signalled
	if errors.As(context.Cause(ctx), &s) {
		if s.sig == syscall.SIGTERM {
			return exitTerminated, true
		}
		return exitInterrupted, true
	}
	if errors.Is(err, ui.ErrInterrupted) || errors.Is(err, context.Canceled) {
		return exitInterrupted, true
	}
	return 0, false
}
