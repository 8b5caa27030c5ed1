package levels_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/levels"
)

// TestLevelShellsStopOnSigtermAsPID1 runs each level container whose PID 1
// is a shell the way a node does, as PID 1 of its own PID namespace (where
// the kernel drops signals that have no handler), sends it SIGTERM as the
// kubelet does, and expects it to exit within a second or two. The level's
// busybox tools (httpd, nc) may be missing on this machine; the script's
// loop and its trap are what is tested.
func TestLevelShellsStopOnSigtermAsPID1(t *testing.T) {
	if err := exec.Command("unshare", "--pid", "--fork", "true").Run(); err != nil {
		t.Skipf("cannot make a PID namespace here (unshare --pid needs root): %v", err)
	}
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, l := range ls {
		spec, err := l.Spec("p1")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range spec.Objects {
			pod, ok := podSpecOf(t, o)
			if !ok {
				continue
			}
			for _, c := range pod.Containers {
				argv := append(append([]string{}, c.Command...), c.Args...)
				if len(argv) < 2 || (path.Base(argv[0]) != "sh" && path.Base(argv[0]) != "ash") {
					continue
				}
				ran++
				name := fmt.Sprintf("level %d %s/%s", l.ID, o.GetName(), c.Name)
				if err := stopsOnSigterm(argv[1:]); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	}
	if ran == 0 {
		t.Fatal("no level container runs a shell as PID 1; nothing was tested")
	}
}

// stopsOnSigterm runs /bin/sh with args as PID 1 of a new PID namespace,
// waits until it handles SIGTERM, sends it, and waits for the exit.
func stopsOnSigterm(args []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"--pid", "--fork", "--kill-child", "--", "/bin/sh"}, args...)...)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()
	pid, err := until(2*time.Second, func() (int, bool) { return childOf(cmd.Process.Pid) })
	if err != nil {
		return fmt.Errorf("the shell did not start: %w", err)
	}
	if _, err := until(2*time.Second, func() (int, bool) { return 0, catches(pid, syscall.SIGTERM) }); err != nil {
		return fmt.Errorf("PID 1 never installs a SIGTERM handler, so it ignores the kubelet's SIGTERM: %w", err)
	}
	sent := time.Now()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case werr := <-exited:
		if d := time.Since(sent); d > 3*time.Second {
			return fmt.Errorf("took %s to exit after SIGTERM (%w)", d.Round(time.Millisecond), werr)
		}
		return nil
	case <-time.After(3 * time.Second):
		return errors.New("still running 3 s after SIGTERM")
	}
}

// until polls f every 10 ms until it reports true or d has passed: the
// state it watches (/proc) has no way to be waited on.
func until(d time.Duration, f func() (int, bool)) (int, error) {
	deadline := time.Now().Add(d)
	for {
		if v, ok := f(); ok {
			return v, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not within %s", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// childOf returns the first child of process pid.
func childOf(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	c, err := strconv.Atoi(f[0])
	return c, err == nil
}

// catches reports whether process pid has a handler for sig (SigCgt in
// /proc/PID/status).
func catches(pid int, sig syscall.Signal) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if hex, ok := strings.CutPrefix(line, "SigCgt:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err == nil && mask&(1<<(uint(sig)-1)) != 0
		}
	}
	return false
}
