package currentcluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/term"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/simtest"
)

// pluginScript is a credential plugin: it notes what its stdin is and what
// client-go told it, complains on stderr, waits until $GATE has a line when
// $GATE is set, takes $DELAY seconds, and prints an ExecCredential with
// $TOKEN (or fails with $FAIL on stderr).
const pluginScript = `#!/bin/sh
readlink /proc/self/fd/0 > "$DIR/stdin"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$DIR/info"
echo run >> "$DIR/runs"
echo "plugin noise: opening a browser to sign you in" >&2
if [ -n "$GATE" ]; then read line < "$GATE"; fi
if [ -n "$FAIL" ]; then echo "$FAIL" >&2; exit 3; fi
sleep "$DELAY"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$TOKEN"
`

// plugin is one credential plugin set up in a kubeconfig.
type plugin struct {
	dir, kubeconfig string
}

// writePlugin writes the plugin script and a kubeconfig for server whose
// user runs it with env.
func writePlugin(t *testing.T, c *cluster.Cluster, env map[string]string) *plugin {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "fake-auth-plugin")
	if err := os.WriteFile(script, []byte(pluginScript), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "kubeconfig")
	if err := cluster.WriteTokenKubeconfig(c, "plug", "unused", "", path); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exec := &clientcmdapi.ExecConfig{
		Command: script, APIVersion: "client.authentication.k8s.io/v1",
		InteractiveMode: clientcmdapi.IfAvailableExecInteractiveMode,
		Env:             []clientcmdapi.ExecEnvVar{{Name: "DIR", Value: dir}},
	}
	for k, v := range env {
		exec.Env = append(exec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
	}
	cfg.AuthInfos["plug"] = &clientcmdapi.AuthInfo{Exec: exec}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return &plugin{dir: dir, kubeconfig: path}
}

func (p *plugin) read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, name))
	if err != nil {
		t.Fatalf("the plugin left no %s: %v", name, err)
	}
	return string(b)
}

// terminal is what the test process's stdin and stderr are while a plugin
// runs: a pseudo-terminal for stdin, so that client-go would hand it over,
// and a pipe for stderr, to see what reaches it.
type terminal struct {
	stderr bytes.Buffer
	done   chan struct{}
}

// takeTerminal points os.Stdin at a pseudo-terminal and os.Stderr at a
// pipe until the returned function runs.
func takeTerminal(t *testing.T) (*terminal, func()) {
	t.Helper()
	pty := openPTY(t)
	if !term.IsTerminal(int(pty.Fd())) {
		t.Fatal("the pseudo-terminal is not a terminal")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	tm := &terminal{done: make(chan struct{})}
	go func() { _, _ = io.Copy(&tm.stderr, r); close(tm.done) }()
	t.Cleanup(func() { _ = r.Close() })
	stdin, stderr := os.Stdin, os.Stderr
	os.Stdin, os.Stderr = pty, w
	return tm, func() {
		os.Stdin, os.Stderr = stdin, stderr
		_ = w.Close()
		// A plugin still running may hold the pipe open: read what came
		// within a bound, then stop reading.
		select {
		case <-tm.done:
		case <-time.After(2 * time.Second):
			_ = r.Close()
			<-tm.done
		}
	}
}

// openPTY opens a pseudo-terminal and returns its terminal end.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlock pty: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("pty number: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// syncBuffer is a log destination safe for the plugin reader's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// captureLog sends the log package's output to a buffer for the test.
func captureLog(t *testing.T) *syncBuffer {
	t.Helper()
	var buf syncBuffer
	w, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(w); log.SetFlags(flags) })
	return &buf
}

// events records what a provider reports.
type events struct {
	mu  sync.Mutex
	all []cluster.Event
}

func (e *events) report(ev cluster.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) has(step string, st cluster.StepState) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.all {
		if ev.Step == step && ev.State == st {
			return true
		}
	}
	return false
}

// TestSlowPluginOnSim: a plugin slower than the API check's deadline,
// noisy on stderr, with a terminal on stdin, still connects to the sim
// cluster; nothing reaches stderr, the plugin gets /dev/null for stdin and
// is told it is not interactive, and the second connect reuses its token,
// which the sim cluster accepts.
func TestSlowPluginOnSim(t *testing.T) {
	c := simtest.Cluster(t)
	got := slowPlugin(t, c, c.REST.BearerToken)
	ns, err := simtest.Clientset(t, got).CoreV1().Namespaces().Get(context.Background(), "kube-system", metav1.GetOptions{})
	if err != nil || ns.Name != "kube-system" {
		t.Fatalf("the plugin's token does not work: %v", err)
	}
}

// TestSlowPlugin is TestSlowPluginOnSim against a stand-in API server.
func TestSlowPlugin(t *testing.T) { slowPlugin(t, fakeCluster(t), "t") }

// slowPlugin connects to c through a plugin that takes 1 s and prints
// token, with a 300 ms API deadline, and returns the second connect's
// cluster.
func slowPlugin(t *testing.T, c *cluster.Cluster, token string) *cluster.Cluster {
	t.Helper()
	const ping = 300 * time.Millisecond
	p := writePlugin(t, c, map[string]string{"TOKEN": token, "DELAY": "1"})
	isolate(t, "")
	logged := captureLog(t)
	var ev events
	prov := New(Options{Kubeconfig: p.kubeconfig, StateDir: t.TempDir(), PingTimeout: ping, Reporter: ev.report})

	tm, release := takeTerminal(t)
	start := time.Now()
	got, err := prov.Connect(context.Background())
	took := time.Since(start)
	release()

	if err != nil {
		t.Fatalf("connect with a %s API deadline and a 1 s plugin: %v", ping, err)
	}
	if took < time.Second {
		t.Fatalf("connect took %s: the plugin's delay did not happen", took)
	}
	if s := tm.stderr.String(); s != "" {
		t.Errorf("the plugin wrote to the terminal's stderr: %q", s)
	}
	if s := strings.TrimSpace(p.read(t, "stdin")); s != "/dev/null" {
		t.Errorf("the plugin's stdin was %q, want /dev/null", s)
	}
	if s := p.read(t, "info"); !strings.Contains(s, `"interactive":false`) {
		t.Errorf("the plugin was told %s, want interactive false", s)
	}
	step := "waiting for the credential plugin fake-auth-plugin"
	if !ev.has(step, cluster.StepStarted) || !ev.has(step, cluster.StepDone) {
		t.Errorf("events %+v lack the step %q started and done", ev.all, step)
	}
	pluginLog.sync(5 * time.Second)
	if !strings.Contains(logged.String(), "credential plugin: plugin noise: opening a browser") {
		t.Errorf("the plugin's stderr is not in the debug log:\n%s", logged)
	}
	if got.REST.ExecProvider == nil {
		t.Fatal("the cluster's REST config lost its credential plugin")
	}

	again, err := New(Options{Kubeconfig: p.kubeconfig, StateDir: t.TempDir(), PingTimeout: ping}).Connect(context.Background())
	if err != nil {
		t.Fatalf("second connect: %v", err)
	}
	if runs := strings.Count(p.read(t, "runs"), "run"); runs != 1 {
		t.Errorf("the plugin ran %d times, want once (its token is cached)", runs)
	}
	return again
}

// fakeCluster is an API server that answers /version, for the plugin's
// failure paths.
// It speaks TLS: client-go sends credentials over nothing else.
func fakeCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
	}))
	t.Cleanup(s.Close)
	return &cluster.Cluster{Name: "fake", REST: &rest.Config{Host: s.URL, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}}
}

// gate returns a FIFO a plugin blocks on, opened at cleanup so the plugin
// can finish.
func gate(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gate")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Non-blocking: when no plugin is reading, there is nothing to release.
		if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_, _ = f.WriteString("go\n")
			_ = f.Close()
		}
	})
	return path
}

func TestHungPluginTimesOutWithWhatItSaid(t *testing.T) {
	p := writePlugin(t, fakeCluster(t), map[string]string{"TOKEN": "t", "DELAY": "0", "GATE": gate(t)})
	isolate(t, "")
	captureLog(t)
	tm, release := takeTerminal(t)
	start := time.Now()
	_, err := New(Options{Kubeconfig: p.kubeconfig, PluginTimeout: 500 * time.Millisecond}).Connect(context.Background())
	took := time.Since(start)
	release()
	if err == nil || !strings.Contains(err.Error(), "no credential within 500ms") ||
		!strings.Contains(err.Error(), "it said: plugin noise: opening a browser to sign you in") {
		t.Fatalf("err = %v", err)
	}
	if took > 5*time.Second {
		t.Fatalf("gave up after %s, want about 500ms", took)
	}
	if s := tm.stderr.String(); s != "" {
		t.Errorf("the plugin wrote to the terminal's stderr: %q", s)
	}
}

func TestFailingPluginSaysWhy(t *testing.T) {
	p := writePlugin(t, fakeCluster(t), map[string]string{"TOKEN": "t", "DELAY": "0", "FAIL": "SSO session expired, run aws sso login"})
	isolate(t, "")
	captureLog(t)
	tm, release := takeTerminal(t)
	_, err := New(Options{Kubeconfig: p.kubeconfig}).Connect(context.Background())
	release()
	if err == nil || !strings.Contains(err.Error(), "SSO session expired, run aws sso login") ||
		!strings.Contains(err.Error(), "credential plugin fake-auth-plugin") {
		t.Fatalf("err = %v", err)
	}
	if s := tm.stderr.String(); s != "" {
		t.Errorf("the plugin wrote to the terminal's stderr: %q", s)
	}
}
