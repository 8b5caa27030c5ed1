package dns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// PortForwardOptions configure PortForward. Zero values take the defaults.
type PortForwardOptions struct {
	// Namespace holds the DNS pods; default DNSNamespace.
	Namespace string
	// Selectors find the DNS pod; default DNSPodSelectors.
	Selectors []string
	// Port is the pod's DNS port; default 53.
	Port int
	// SetupTimeout bounds WaitReady: waiting for a Ready DNS pod and opening
	// the forward to it; default 30 s.
	SetupTimeout time.Duration
	// QuerySetupTimeout bounds opening or reopening the forward inside one
	// Query, so that a check never waits long for DNS; default 3 s.
	QuerySetupTimeout time.Duration
	// Hint is added to the reason when no DNS pod exists or access to it is
	// forbidden, to say what the player can do instead.
	Hint string
	// OnWait, when set, hears why WaitReady is still waiting, each time the
	// reason changes (the DNS pods' states, for example).
	OnWait func(reason string)
}

// Set-up limits that are not options.
const (
	// noPodGrace is how long WaitReady waits when no DNS pod exists at all.
	noPodGrace = 5 * time.Second
	// retryAfter is how long a failed forward to a pod is not tried again.
	retryAfter = 3 * time.Second
	// noAnswerTTL is how long a name that timed out is answered
	// RcodeTimeout without asking again, so that a check asking it every
	// second does not wait for it every time.
	noAnswerTTL = 30 * time.Second
	// maxOpenTries is how many forwards WaitReady tries before giving up.
	maxOpenTries = 3
	// shutWait bounds waiting for a stopped forward to end.
	shutWait = 2 * time.Second
)

func (o PortForwardOptions) withDefaults() PortForwardOptions {
	if o.Namespace == "" {
		o.Namespace = DNSNamespace
	}
	if len(o.Selectors) == 0 {
		o.Selectors = DNSPodSelectors
	}
	if o.Port == 0 {
		o.Port = 53
	}
	if o.SetupTimeout == 0 {
		o.SetupTimeout = 30 * time.Second
	}
	if o.QuerySetupTimeout == 0 {
		o.QuerySetupTimeout = 3 * time.Second
	}
	return o
}

// openForward is a running port-forward to one pod.
type openForward struct {
	pod  string
	addr string
	done <-chan struct{}
	stop func()
}

func (o *openForward) dead() bool {
	select {
	case <-o.done:
		return true
	default:
		return false
	}
}

// opener starts a port-forward to pod and returns once it listens.
type opener func(ctx context.Context, pod string) (*openForward, error)

// permission says whether the identity may port-forward to pod.
type permission func(ctx context.Context, pod string) (bool, error)

// forwarder asks a DNS pod over TCP through a port-forward that it opens on
// first use, and opens again, to a Ready pod, when it dies.
type forwarder struct {
	opts    PortForwardOptions
	pods    *podWatch
	open    opener
	allowed permission
	// timeout bounds one exchange; default DefaultTimeout.
	timeout time.Duration
	// noPodGrace is how long WaitReady waits when no DNS pod exists.
	noPodGrace time.Duration

	mu sync.Mutex
	fw *openForward
	// avoid is the pod whose forward died last; another is preferred.
	avoid string
	// failPod, failAt and failErr remember the last failed open.
	failPod string
	failAt  time.Time
	failErr error
	// noAnswer holds when each "type name" last timed out.
	noAnswer map[string]time.Time
}

// NewPortForward returns a Resolver that asks a Running, Ready cluster DNS
// pod through a port-forward on 127.0.0.1, over TCP. Nothing is opened until
// WaitReady or the first Query. A Query opens the forward when there is none
// or it died, within QuerySetupTimeout, and otherwise fails at once with an
// *UnavailableError saying why (no DNS pod, none Ready yet, forbidden), so
// DNS starts working by itself once a DNS pod is Ready.
func NewPortForward(cfg *rest.Config, opts PortForwardOptions) (Resolver, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward to cluster DNS: client: %w", err)
	}
	opts = opts.withDefaults()
	s := &spdyOpener{cfg: cfg, cs: cs, ns: opts.Namespace, port: opts.Port}
	f, err := newForwarder(cs, opts, s.open, ssarPermission(cs, opts.Namespace))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// PortForward is NewPortForward followed by WaitReady: it returns once the
// forward is open, or an error saying why it could not be within
// SetupTimeout. With no DNS pod at all the error wraps ErrNoDNSPod.
func PortForward(ctx context.Context, cfg *rest.Config, opts PortForwardOptions) (Resolver, error) {
	r, err := NewPortForward(cfg, opts)
	if err != nil {
		return nil, err
	}
	if err := WaitReady(ctx, r); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

func newForwarder(cs kubernetes.Interface, opts PortForwardOptions, open opener, allowed permission) (*forwarder, error) {
	opts = opts.withDefaults()
	pw, err := newPodWatch(cs, opts.Namespace, opts.Selectors)
	if err != nil {
		return nil, fmt.Errorf("port-forward to cluster DNS: %w", err)
	}
	return &forwarder{opts: opts, pods: pw, open: open, allowed: allowed,
		timeout: DefaultTimeout, noPodGrace: noPodGrace, noAnswer: map[string]time.Time{}}, nil
}

// WaitReady implements readyWaiter: it waits up to SetupTimeout for a Ready
// DNS pod and opens the forward to it, trying the forward up to
// maxOpenTries times.
func (f *forwarder) WaitReady(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, f.opts.SetupTimeout)
	defer cancel()
	for try := 1; ; try++ {
		if f.fw != nil && !f.fw.dead() {
			return nil
		}
		pod, err := f.pods.await(ctx, f.avoid, f.noPodGrace, f.opts.OnWait)
		if err != nil {
			return f.hinted(err)
		}
		err = f.openTo(ctx, pod)
		if err == nil || ctx.Err() != nil || forbidden(err) || try == maxOpenTries {
			return err
		}
		f.avoid = pod
		// Another pod may become Ready, or this one answer, a little later.
		select {
		case <-f.pods.changes():
		case <-time.After(retryAfter):
		case <-ctx.Done():
			return err
		}
	}
}

// Query implements Resolver.
func (f *forwarder) Query(ctx context.Context, name string, t Type) (Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := string(t) + " " + strings.TrimSuffix(name, ".")
	if at, ok := f.noAnswer[key]; ok && time.Since(at) < noAnswerTTL {
		return Answer{Name: mdns.Fqdn(name), Type: t, Rcode: RcodeTimeout}, nil
	}
	a, err := f.queryOpen(ctx, name, t)
	if err == nil && a.Rcode == RcodeTimeout {
		f.noAnswer[key] = time.Now()
	}
	return a, err
}

// queryOpen asks through the forward, opening it first when needed, and
// once more through a new forward when the connection itself failed.
func (f *forwarder) queryOpen(ctx context.Context, name string, t Type) (Answer, error) {
	for attempt := 0; ; attempt++ {
		if err := f.ensure(ctx); err != nil {
			return Answer{}, fmt.Errorf("ask for %s %s: %w", t, name, err)
		}
		a, err := f.query(ctx, name, t)
		if err == nil && a.Rcode == RcodeTimeout && !f.pods.usable(f.fw.pod) && attempt == 0 {
			// No answer because the pod went away meanwhile: ask another.
			f.drop()
			continue
		}
		if err == nil || ctx.Err() != nil || !errors.Is(err, ErrUnreachable) || attempt > 0 {
			return a, err
		}
		// The connection itself failed: the forward or its pod is gone.
		f.drop()
	}
}

func (f *forwarder) query(ctx context.Context, name string, t Type) (Answer, error) {
	d := &direct{addr: f.fw.addr, timeout: f.timeout, tcpOnly: true}
	return d.Query(ctx, name, t)
}

// ensure opens the forward when there is none, or its pod is no longer a
// Ready DNS pod (terminating, say), within QuerySetupTimeout.
func (f *forwarder) ensure(ctx context.Context) error {
	if f.fw != nil && !f.fw.dead() && f.pods.usable(f.fw.pod) {
		return nil
	}
	if f.fw != nil {
		f.drop()
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.QuerySetupTimeout)
	defer cancel()
	pod, err := f.pods.current(ctx, f.avoid)
	if err != nil {
		return f.hinted(err)
	}
	if pod == f.failPod && time.Since(f.failAt) < retryAfter {
		return f.failErr
	}
	return f.openTo(ctx, pod)
}

// openTo opens the forward to pod, remembering a failure.
func (f *forwarder) openTo(ctx context.Context, pod string) error {
	fw, err := f.open(ctx, pod)
	if err != nil {
		f.failPod, f.failAt, f.failErr = pod, time.Now(), f.explain(ctx, pod, err)
		return f.failErr
	}
	f.fw, f.failPod, f.failErr = fw, "", nil
	return nil
}

// explain turns a failed forward into the reason, asking whether the
// identity may port-forward at all.
func (f *forwarder) explain(ctx context.Context, pod string, err error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutWait)
	defer cancel()
	if ok, aerr := f.allowed(ctx, pod); aerr == nil && !ok {
		why := fmt.Sprintf("forbidden: pods/portforward in %s (needed to ask the DNS pod)", f.opts.Namespace)
		return f.hinted(unavailable(fmt.Errorf("%w: %w", errForbidden, err), why))
	}
	return unavailable(err, fmt.Sprintf("port-forward to %s/%s: %v", f.opts.Namespace, pod, err))
}

// hinted adds the options' hint to a reason that no waiting will fix.
func (f *forwarder) hinted(err error) error {
	u, ok := IsUnavailable(err)
	if !ok || f.opts.Hint == "" || (!errors.Is(err, ErrNoDNSPod) && !forbidden(err)) {
		return err
	}
	return &UnavailableError{Reason: u.Reason + "; " + f.opts.Hint, Err: u.Err}
}

// errForbidden marks a forward the identity may not open.
var errForbidden = errors.New("port-forward forbidden")

// forbidden reports whether err says the identity lacks a permission.
func forbidden(err error) bool {
	return errors.Is(err, errForbidden) || apierrors.IsForbidden(err)
}

// drop stops the forward and prefers another pod next time.
func (f *forwarder) drop() {
	if f.fw == nil {
		return
	}
	f.avoid = f.fw.pod
	f.fw.stop()
	select {
	case <-f.fw.done:
	case <-time.After(shutWait):
	}
	f.fw = nil
}

// Close implements Resolver; it stops the forward and the pod watch.
func (f *forwarder) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drop()
	f.pods.stop()
	return nil
}

// readyWaiter is a Resolver that can wait until its server can be asked.
type readyWaiter interface {
	WaitReady(ctx context.Context) error
}

// WaitReady waits until r can be asked: for a port-forward, until a DNS pod
// is Ready and the forward open (bounded by its SetupTimeout). Other
// resolvers are ready at once.
func WaitReady(ctx context.Context, r Resolver) error {
	if w, ok := r.(readyWaiter); ok {
		return w.WaitReady(ctx)
	}
	return nil
}
