package sim

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// started is a process this command started, with a channel closed when it exits.
type started struct {
	Proc
	exited chan struct{}
	err    error
}

// startProc starts bin detached from this process (its own session), with
// stdout and stderr appended to logPath, so it outlives the command.
func startProc(name, bin, logPath string, args []string) (*started, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s log: %w", name, err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &started{Proc: Proc{Name: name, PID: cmd.Process.Pid, Binary: bin}, exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// procAlive reports whether pid is a live (not zombie) process whose command
// line starts with binary, so a recycled pid is never mistaken for ours.
func procAlive(p Proc) bool {
	if p.PID <= 0 {
		return false
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(p.PID) + "/cmdline")
	if err != nil || len(cmdline) == 0 {
		return false
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	if string(argv0) != p.Binary {
		return false
	}
	return procState(p.PID) != "Z"
}

// procExited reports whether p has finished exiting: its pid is gone, or
// a zombie with no thread left, or runs another program now. A killed
// process's first thread can be a zombie, and its command line gone,
// while its other threads still hold its open files: procAlive turns
// false a moment before its listening ports close. Waiting on procExited
// lets a restart bind the port again and probe its own listener, not the
// dying one.
func procExited(p Proc) bool {
	if p.PID <= 0 {
		return true
	}
	switch procState(p.PID) {
	case "", "X":
		return true
	case "Z":
		return procThreads(p.PID) <= 1
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(p.PID) + "/cmdline")
	if err != nil {
		return true
	}
	if len(cmdline) == 0 {
		return false // exiting: its memory is gone, its files maybe not yet
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	return string(argv0) != p.Binary
}

// procThreads counts the threads /proc/<pid>/task lists, 0 when pid is
// gone.
func procThreads(pid int) int {
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return 0
	}
	return len(tasks)
}

// procState returns the one-letter state from /proc/<pid>/stat.
func procState(pid int) string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 >= len(data) {
		return ""
	}
	return string(data[i+2])
}

// procRSS returns the VmRSS line value of pid, such as "290124 kB".
func procRSS(pid int) (kb int, err error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read status of %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				return strconv.Atoi(f[0])
			}
		}
	}
	return 0, errors.New("no VmRSS")
}

// stopProcs stops every live process of ours: first everything but etcd,
// then etcd, because the API server's graceful shutdown hangs without etcd.
// Pids that are no longer ours are left alone.
func stopProcs(procs []Proc, grace time.Duration) {
	var clients, etcd []Proc
	for _, p := range procs {
		if p.Name == "etcd" {
			etcd = append(etcd, p)
		} else {
			clients = append(clients, p)
		}
	}
	signalAndWait(clients, grace)
	signalAndWait(etcd, grace)
}

// signalAndWait sends SIGTERM to procs, waits up to grace, then SIGKILLs
// what is left.
func signalAndWait(procs []Proc, grace time.Duration) {
	var live []Proc
	for _, p := range procs {
		if procAlive(p) {
			_ = syscall.Kill(p.PID, syscall.SIGTERM)
			live = append(live, p)
		}
	}
	deadline := time.Now().Add(grace)
	for len(live) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		live = stillAlive(live)
	}
	for _, p := range live {
		_ = syscall.Kill(p.PID, syscall.SIGKILL)
	}
	for end := time.Now().Add(3 * time.Second); len(live) > 0 && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
		live = stillAlive(live)
	}
}

// stillAlive returns the procs that have not finished exiting.
func stillAlive(procs []Proc) []Proc {
	var live []Proc
	for _, p := range procs {
		if !procExited(p) {
			live = append(live, p)
		}
	}
	return live
}

// logTail returns the last n lines of a file, for error messages.
func logTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return tail(string(data), n)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
