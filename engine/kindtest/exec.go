package kindtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
)

// ExecResult is what a command run in a container wrote, and how it ended.
type ExecResult struct {
	Stdout, Stderr string
	// Err is nil when the command exited 0; a non-zero exit is a
	// remotecommand exit error (see its ExitStatus).
	Err error
}

// String shows the result for a test's log.
func (r ExecResult) String() string {
	return fmt.Sprintf("err=%v stdout=%q stderr=%q", r.Err, strings.TrimSpace(r.Stdout), strings.TrimSpace(r.Stderr))
}

// Exec runs cmd in container of pod ns/pod as `kubectl exec` does (the
// pods/exec subresource, over SPDY) with the credentials of cfg. An empty
// container means the pod's only one. The error is about reaching the
// container at all; how the command itself ended is in ExecResult.Err.
func Exec(ctx context.Context, cfg *rest.Config, ns, pod, container string, cmd ...string) (ExecResult, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return ExecResult{}, fmt.Errorf("exec in %s/%s: clientset: %w", ns, pod, err)
	}
	req := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: container, Command: cmd, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	ex, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
	if err != nil {
		return ExecResult{}, fmt.Errorf("exec in %s/%s: %w", ns, pod, err)
	}
	var out, errb bytes.Buffer
	err = ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &out, Stderr: &errb})
	res := ExecResult{Stdout: out.String(), Stderr: errb.String(), Err: err}
	if err != nil && !isExitError(err) {
		return res, fmt.Errorf("exec %q in %s/%s: %w", strings.Join(cmd, " "), ns, pod, err)
	}
	return res, nil
}

func isExitError(err error) bool {
	var x utilexec.ExitError
	return errors.As(err, &x)
}
