package game

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/k8squest/k8squest/levels"
)

// Shell returns the player's interactive shell. On this machine it is
// $SHELL (else /bin/sh), its KUBECONFIG the player's own (kubeconfig,
// written by WritePlayerKubeconfig), defaulting to the level's namespace:
// it is only ever built with a player kubeconfig, never one that falls
// back to the user's own. With Options.RemoteShell it is a shell in the
// player's pod instead, started on first use and reused, and ctx bounds
// its life; on a cluster without real pods the error is a
// *NoPodShellError, which says how to use kubectl from the learner's own
// machine.
func (x *Game) Shell(ctx context.Context, l *levels.Level, kubeconfig string) (ShellCommand, error) {
	if x.opts.RemoteShell != nil {
		return x.podShell(ctx, l)
	}
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/sh"
	}
	cmd := exec.Command(sh)
	cmd.Env = append(withoutEnv(os.Environ(), "KUBECONFIG"), "KUBECONFIG="+kubeconfig, "K8SQUEST_NAMESPACE="+l.Namespace)
	return &LocalShell{Cmd: cmd}, nil
}

// ShellCommand is the shell `s` opens, as tea.Exec runs it in the game's
// terminal (tea.ExecCommand). It is an alias of an interface literal, the
// same as ui.ShellCommand, so that the game needs no Charm package.
type ShellCommand = interface {
	Run() error
	SetStdin(io.Reader)
	SetStdout(io.Writer)
	SetStderr(io.Writer)
}

// LocalShell is a process on this machine, for tea.Exec: the terminal's
// input and output are its own unless set.
type LocalShell struct{ *exec.Cmd }

// SetStdin implements tea.ExecCommand.
func (c *LocalShell) SetStdin(r io.Reader) {
	if c.Stdin == nil {
		c.Stdin = r
	}
}

// SetStdout implements tea.ExecCommand.
func (c *LocalShell) SetStdout(w io.Writer) {
	if c.Stdout == nil {
		c.Stdout = w
	}
}

// SetStderr implements tea.ExecCommand.
func (c *LocalShell) SetStderr(w io.Writer) {
	if c.Stderr == nil {
		c.Stderr = w
	}
}

// withoutEnv returns env without the variable named name.
func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
