package kindcluster

import (
	"errors"
	"strings"

	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// outputError adds a failed command's captured output to its error.
type outputError struct {
	err    error
	output string
}

// Error implements error.
func (e *outputError) Error() string { return e.err.Error() + ": " + e.output }

// Unwrap returns the command's error.
func (e *outputError) Unwrap() error { return e.err }

// withOutput appends the output kind captured from a failed command (such
// as "Cannot connect to the Docker daemon"), which its error leaves out.
func withOutput(err error) error {
	var re *kindexec.RunError
	if !errors.As(err, &re) {
		return err
	}
	out := strings.TrimSpace(string(re.Output))
	if out == "" {
		return err
	}
	return &outputError{err: err, output: out}
}
