package currentcluster

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/cluster"
)

// DefaultPluginTimeout bounds the first run of a credential plugin (EKS's
// `aws eks get-token`, GKE's gke-gcloud-auth-plugin), which may be slow.
const DefaultPluginTimeout = 60 * time.Second

// quietAfter is how long a credential plugin may take before the game says
// that it is waiting for it.
const quietAfter = 300 * time.Millisecond

// stdinMessage is what client-go says when a plugin insists on a terminal.
const stdinMessage = "k8squest runs credential plugins without a terminal, as its screen owns it; " +
	"sign in with kubectl first (say `kubectl get --raw /version`), then start the game"

// quietPlugin keeps the context's credential plugin, if any, off the
// terminal: no stdin for it (client-go's StdinUnavailable), and its stderr
// to the debug log instead of over the game's screen. client-go keeps one
// plugin runner per configuration for the life of the process and takes
// os.Stderr as the plugin's stderr when it makes it, so the runner is made
// here, with os.Stderr pointing at the log for that moment.
func quietPlugin(rc *rest.Config) error {
	if rc.ExecProvider == nil {
		return nil
	}
	e := rc.ExecProvider.DeepCopy()
	e.StdinUnavailable = true
	if e.StdinUnavailableMessage == "" {
		e.StdinUnavailableMessage = stdinMessage
	}
	rc.ExecProvider = e
	w, err := pluginLog.writer()
	if err != nil {
		return err
	}
	stderrMu.Lock()
	defer stderrMu.Unlock()
	saved := os.Stderr
	os.Stderr = w
	_, err = rest.TransportFor(rc)
	os.Stderr = saved
	if err != nil {
		return fmt.Errorf("set up the credential plugin %s: %w", e.Command, err)
	}
	return nil
}

// stderrMu serialises the moments os.Stderr points at the plugin log.
var stderrMu sync.Mutex

// pluginName is the plugin's command as the player knows it.
func pluginName(rc *rest.Config) string {
	return filepath.Base(rc.ExecProvider.Command)
}

// signIn runs the credential plugin of l, when it has one and has no
// credential cached yet, within the plugin timeout; past quietAfter it
// reports a step saying so.
func (p *Provider) signIn(ctx context.Context, l *loaded) error {
	if l.rest.ExecProvider == nil {
		return nil
	}
	name := pluginName(l.rest)
	step := "waiting for the credential plugin " + name
	ctx, cancel := context.WithTimeout(ctx, p.opts.PluginTimeout)
	defer cancel()
	mark := pluginLog.mark()
	done := make(chan error, 1)
	go func() { done <- credential(ctx, l.rest) }()
	var err error
	reported := false
	select {
	case err = <-done:
	case <-time.After(quietAfter):
		reported = true
		p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepStarted, Detail: "context " + l.context})
		err = <-done
	}
	if err == nil {
		if reported {
			p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepDone})
		}
		return nil
	}
	err = p.pluginError(name, err, pluginLog.since(mark))
	if reported {
		p.opts.Reporter.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
	}
	return err
}

// pluginError explains a failed plugin run, with what it wrote to stderr.
func (p *Provider) pluginError(name string, err error, said []string) error {
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no credential within %s: %w", p.opts.PluginTimeout, err)
	}
	msg := fmt.Sprintf("credential plugin %s", name)
	if len(said) > 0 {
		msg += fmt.Sprintf(" (it said: %s)", strings.Join(said, " / "))
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// errCredentialReady ends the sign-in request once client-go has a
// credential for it: the request never reaches the network.
var errCredentialReady = errors.New("credential ready")

type stopAtNetwork struct{}

// RoundTrip implements http.RoundTripper.
func (stopAtNetwork) RoundTrip(*http.Request) (*http.Response, error) { return nil, errCredentialReady }

// credential has client-go get a credential for rc, running its plugin
// when none is cached, and returns when it has one or ctx ends. A plugin
// that hangs keeps running (client-go gives it no context), but the game
// does not wait for it.
func credential(ctx context.Context, rc *rest.Config) error {
	c := rest.CopyConfig(rc)
	c.WrapTransport = func(http.RoundTripper) http.RoundTripper { return stopAtNetwork{} }
	rt, err := rest.TransportFor(c)
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	u, _, err := rest.DefaultServerUrlFor(c)
	if err != nil {
		return fmt.Errorf("API server address %q: %w", c.Host, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("API server address %q: %w", c.Host, err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if errors.Is(err, errCredentialReady) {
			return nil
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pluginLog receives what credential plugins write to stderr.
var pluginLog = &stderrLog{}

// maxSaid bounds the stderr lines kept for an error message.
const maxSaid = 5

// stderrLog is a pipe whose lines go to the debug log (log.Printf); the
// last few are kept to explain a failed plugin run.
type stderrLog struct {
	once sync.Once
	w    *os.File
	err  error

	mu     sync.Mutex
	lines  []string // the last maxSaid lines
	count  int      // lines read so far
	synced map[string]chan struct{}
}

// writer returns the pipe's write end, making it on first use.
func (s *stderrLog) writer() (*os.File, error) {
	s.once.Do(func() {
		r, w, err := os.Pipe()
		if err != nil {
			s.err = fmt.Errorf("make a pipe for the credential plugin's output: %w", err)
			return
		}
		s.w, s.synced = w, map[string]chan struct{}{}
		go s.read(r)
	})
	return s.w, s.err
}

func (s *stderrLog) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			s.add(line)
		}
		if err != nil {
			return
		}
	}
}

func (s *stderrLog) add(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.synced[line]; ok {
		close(ch)
		delete(s.synced, line)
		return
	}
	log.Printf("credential plugin: %s", line)
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	s.lines = append(s.lines, line)
	if len(s.lines) > maxSaid {
		s.lines = s.lines[1:]
	}
	s.count++
}

// mark returns a position to ask since for.
func (s *stderrLog) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// since returns the kept lines read after mark, once everything written so
// far has been read.
func (s *stderrLog) since(mark int) []string {
	s.sync(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(s.count-mark, len(s.lines))
	return append([]string(nil), s.lines[len(s.lines)-n:]...)
}

// sync waits, at most timeout, until the reader has read everything
// written to the pipe before the call: it writes a unique line and waits
// for the reader to see it.
func (s *stderrLog) sync(timeout time.Duration) {
	if s.w == nil {
		return
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	token := "k8squest-sync-" + hex.EncodeToString(b)
	ch := make(chan struct{})
	s.mu.Lock()
	s.synced[token] = ch
	s.mu.Unlock()
	// The leading newline ends a partial line the plugin left.
	if _, err := fmt.Fprintf(s.w, "\n%s\n", token); err != nil {
		return
	}
	select {
	case <-ch:
	case <-time.After(timeout):
	}
}
