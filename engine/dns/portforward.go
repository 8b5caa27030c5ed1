package dns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// PortForwardOptions configure PortForward. Zero values take the defaults.
type PortForwardOptions struct {
	// Namespace holds the DNS pods; default DNSNamespace.
	Namespace string
	// Selectors find the DNS pod; default DNSPodSelectors.
	Selectors []string
	// Port is the pod's DNS port; default 53.
	Port int
	// SetupTimeout bounds finding the pod and opening the forward; default 15 s.
	SetupTimeout time.Duration
}

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
		o.SetupTimeout = 15 * time.Second
	}
	return o
}

// forwarder asks a DNS pod over TCP through a client-go port-forward.
type forwarder struct {
	cfg  *rest.Config
	cs   kubernetes.Interface
	opts PortForwardOptions

	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
	addr string
}

// PortForward finds a Running, Ready cluster DNS pod, forwards a free port on
// 127.0.0.1 to its DNS port and returns a Resolver that asks it over TCP.
// Close stops the forward. When the forward dies, the next Query opens it
// again once. With no DNS pod the error wraps ErrNoDNSPod.
func PortForward(ctx context.Context, cfg *rest.Config, opts PortForwardOptions) (Resolver, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward to cluster DNS: client: %w", err)
	}
	f := &forwarder{cfg: cfg, cs: cs, opts: opts.withDefaults()}
	if err := f.open(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// Query implements Resolver.
func (f *forwarder) Query(ctx context.Context, name string, t Type) (Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reopened := false
	if f.dead() {
		if err := f.reopen(ctx); err != nil {
			return Answer{}, err
		}
		reopened = true
	}
	a, err := f.query(ctx, name, t)
	if err == nil || reopened || !isNetError(err) || ctx.Err() != nil {
		return a, err
	}
	if err := f.reopen(ctx); err != nil {
		return Answer{}, err
	}
	return f.query(ctx, name, t)
}

func (f *forwarder) query(ctx context.Context, name string, t Type) (Answer, error) {
	d := &direct{addr: f.addr, timeout: DefaultTimeout, tcpOnly: true}
	return d.Query(ctx, name, t)
}

// Close implements Resolver; it stops the forward.
func (f *forwarder) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shut()
	return nil
}

// dead reports whether the forward has stopped.
func (f *forwarder) dead() bool {
	if f.done == nil {
		return true
	}
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

func (f *forwarder) reopen(ctx context.Context) error {
	f.shut()
	if err := f.open(ctx); err != nil {
		return fmt.Errorf("%w: reopen: %w", ErrUnreachable, err)
	}
	return nil
}

// shut stops the forward and waits briefly for it to end.
func (f *forwarder) shut() {
	if f.stop == nil {
		return
	}
	close(f.stop)
	select {
	case <-f.done:
	case <-time.After(2 * time.Second):
	}
	f.stop, f.done, f.addr = nil, nil, ""
}

// open finds a DNS pod and starts a forward to it.
func (f *forwarder) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, f.opts.SetupTimeout)
	defer cancel()
	pod, err := findDNSPod(ctx, f.cs, f.opts.Namespace, f.opts.Selectors)
	if err != nil {
		return fmt.Errorf("port-forward to cluster DNS: %w", err)
	}
	if err := f.start(ctx, pod); err != nil {
		return fmt.Errorf("port-forward to %s/%s: %w", f.opts.Namespace, pod, err)
	}
	return nil
}

// start runs a port-forward to pod and waits until it listens.
func (f *forwarder) start(ctx context.Context, pod string) error {
	pf, stop, err := f.newPortForwarder(pod)
	if err != nil {
		return err
	}
	done, errc := make(chan struct{}), make(chan error, 1)
	go func() {
		errc <- pf.ForwardPorts()
		close(done)
	}()
	if err := waitReady(ctx, pf, errc, stop); err != nil {
		return err
	}
	ports, err := pf.GetPorts()
	if err != nil || len(ports) == 0 {
		close(stop)
		return fmt.Errorf("read forwarded port: %w", orErr(err, "no port forwarded"))
	}
	f.stop, f.done = stop, done
	f.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(int(ports[0].Local)))
	return nil
}

// readyForwarder is a port-forwarder with the channel it closes when ready.
type readyForwarder struct {
	*portforward.PortForwarder
	ready chan struct{}
}

func (f *forwarder) newPortForwarder(pod string) (*readyForwarder, chan struct{}, error) {
	transport, upgrader, err := spdy.RoundTripperFor(f.cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("spdy transport: %w", err)
	}
	url := f.cs.CoreV1().RESTClient().Post().Resource("pods").
		Namespace(f.opts.Namespace).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, url)
	stop, ready := make(chan struct{}), make(chan struct{})
	ports := []string{"0:" + strconv.Itoa(f.opts.Port)}
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, ports, stop, ready, io.Discard, io.Discard)
	if err != nil {
		return nil, nil, fmt.Errorf("new port-forward: %w", err)
	}
	return &readyForwarder{PortForwarder: pf, ready: ready}, stop, nil
}

// waitReady waits for the forward to listen, fail, or ctx to end.
func waitReady(ctx context.Context, pf *readyForwarder, errc <-chan error, stop chan struct{}) error {
	select {
	case <-pf.ready:
		return nil
	case err := <-errc:
		return fmt.Errorf("forward ports: %w", orErr(err, "forward ended before it was ready"))
	case <-ctx.Done():
		close(stop)
		return fmt.Errorf("wait for forward: %w", ctx.Err())
	}
}

// orErr returns err, or an error saying msg when err is nil.
func orErr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}
