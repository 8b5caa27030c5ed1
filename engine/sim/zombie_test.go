package sim

import (
	"os/exec"
	"testing"
	"time"
)

// TestStopTreatsZombiesAsGone: a process that exited but was never reaped
// (its parent, here this test, does not wait for it, as a container's init
// that does not reap) has stopped; stopping it returns at once instead of
// waiting out the grace period and the SIGKILL wait.
func TestStopTreatsZombiesAsGone(t *testing.T) {
	bin, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary")
	}
	cmd := exec.Command(bin, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pr := Proc{Name: ProcKwok, PID: cmd.Process.Pid, Binary: bin}
	waitFor(t, "the child to run", func() bool { return procState(pr.PID) == "S" || procState(pr.PID) == "R" })
	start := time.Now()
	stopProcs([]Proc{pr}, 10*time.Second)
	if d := time.Since(start); d > time.Second {
		t.Errorf("stopping a process that became a zombie took %s", d)
	}
	if got := procState(pr.PID); got != "Z" {
		t.Fatalf("the child is in state %q, want a zombie (Z)", got)
	}
	if procAlive(pr) {
		t.Error("procAlive reports a zombie as alive")
	}
	if !procExited(pr) {
		t.Error("procExited reports a zombie as still exiting")
	}
}
