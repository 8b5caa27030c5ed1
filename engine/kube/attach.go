package kube

import (
	"context"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// Executor runs a stream over pods/exec; remotecommand's SPDY executor is
// the real one, tests give a fake.
type Executor interface {
	StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error
}

// NewExecutor is the pods/exec executor for command in container of pod
// ns/name, with a terminal: stdin and a TTY, whose stdout carries stderr.
func NewExecutor(cfg *rest.Config, cs kubernetes.Interface, ns, name, container string, command []string) (Executor, error) {
	req := cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: container, Command: command, Stdin: true, Stdout: true, TTY: true,
		}, scheme.ParameterCodec)
	exec, err := remotecommand.NewSPDYExecutor(cfg, "POST", req.URL())
	if err != nil {
		return nil, fmt.Errorf("exec in pod %s/%s: %w", ns, name, err)
	}
	return exec, nil
}

// Attach streams stdin and stdout through exec with a TTY whose size
// sizes gives (nil for the pod's default), until the command ends or ctx
// does.
func Attach(ctx context.Context, exec Executor, stdin io.Reader, stdout io.Writer, sizes remotecommand.TerminalSizeQueue) error {
	return exec.StreamWithContext(ctx, remotecommand.StreamOptions{
		Stdin: stdin, Stdout: stdout, Tty: true, TerminalSizeQueue: sizes,
	})
}
