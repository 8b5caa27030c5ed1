package kindcluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	kinderrors "sigs.k8s.io/kind/pkg/errors"
	kindexec "sigs.k8s.io/kind/pkg/exec"

	"github.com/k8squest/k8squest/engine/cluster"
)

// maxOutput bounds how much of a command's output an error carries.
const maxOutput = 2000

// outputError adds a failed command's captured output to its error.
type outputError struct {
	err    error
	output string
}

// Error implements error.
func (e *outputError) Error() string { return e.err.Error() + ": " + e.output }

// Unwrap returns the command's error.
func (e *outputError) Unwrap() error { return e.err }

// withOutput appends the output kind captured from each failed command
// (such as "Cannot connect to the Docker daemon"), which kind's errors
// leave out. It finds commands inside kind's aggregated errors too, as
// when several nodes fail at once. An error that already carries its
// output is returned as it is.
func withOutput(err error) error {
	if err == nil {
		return nil
	}
	var oe *outputError
	if errors.As(err, &oe) {
		return err
	}
	var outs []string
	for _, re := range runErrors(err) {
		out := strings.TrimSpace(string(re.Output))
		if out != "" && !slices.Contains(outs, out) {
			outs = append(outs, out)
		}
	}
	if len(outs) == 0 {
		return err
	}
	out := strings.Join(outs, "; ")
	if len(out) > maxOutput {
		out = "…" + out[len(out)-maxOutput:]
	}
	return &outputError{err: err, output: out}
}

// runErrors returns every *kindexec.RunError in err's tree: through Unwrap,
// github.com/pkg/errors' Cause and kind's Aggregate.
func runErrors(err error) []*kindexec.RunError {
	var found []*kindexec.RunError
	var walk func(error, int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		if re, ok := e.(*kindexec.RunError); ok { //nolint:errorlint // walk unwraps the tree itself, one level at a time
			found = append(found, re)
			return
		}
		switch x := e.(type) { //nolint:errorlint // walk unwraps the tree itself
		case kinderrors.Aggregate:
			for _, inner := range x.Errors() {
				walk(inner, depth+1)
			}
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner, depth+1)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap(), depth+1)
		case kinderrors.Causer:
			walk(x.Cause(), depth+1)
		}
	}
	walk(err, 0)
	return found
}

// UnhealthyError says the kind cluster exists but is not healthy, what is
// wrong and how to fix it. Up returns it instead of deleting the cluster
// unless Options.Recreate is set. errors.Is(err, cluster.ErrUnhealthy)
// is true for it.
type UnhealthyError struct {
	// Reason says what is wrong ("node k8squest-control-plane is NotReady: ...").
	Reason string
	// Err is the underlying failure, if any.
	Err error
	// Looked says the cluster was only looked at (Connect), not started
	// and waited for (Up): it may still be coming up.
	Looked bool
}

// Error implements error.
func (e *UnhealthyError) Error() string {
	advice := RecreateAdvice
	if e.Looked {
		advice = "`k8squest cluster up` starts it and waits for it; " + advice
	}
	return fmt.Sprintf("kind cluster %s is unhealthy: %s; %s", ClusterName, e.Reason, advice)
}

// Is makes errors.Is(err, cluster.ErrUnhealthy) true.
func (e *UnhealthyError) Is(target error) bool { return target == cluster.ErrUnhealthy }

// Unwrap returns the underlying failure.
func (e *UnhealthyError) Unwrap() error { return e.Err }

// RecreateAdvice says how to replace an unhealthy cluster.
const RecreateAdvice = "to delete it and create it again, run `k8squest cluster down` then `k8squest cluster up`, or pass --recreate"
