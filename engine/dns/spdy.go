package dns

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// spdyOpener opens client-go port-forwards to pods of one namespace.
type spdyOpener struct {
	cfg  *rest.Config
	cs   kubernetes.Interface
	ns   string
	port int
}

// open starts a port-forward from a free port on 127.0.0.1 to the pod's DNS
// port and returns once it listens.
func (s *spdyOpener) open(ctx context.Context, pod string) (*openForward, error) {
	pf, ready, stop, err := s.newPortForwarder(pod)
	if err != nil {
		return nil, err
	}
	done, errc := make(chan struct{}), make(chan error, 1)
	go func() {
		errc <- pf.ForwardPorts()
		close(done)
	}()
	if err := waitListening(ctx, ready, errc, stop); err != nil {
		return nil, err
	}
	ports, err := pf.GetPorts()
	if err != nil || len(ports) == 0 {
		close(stop)
		return nil, fmt.Errorf("read forwarded port: %w", orErr(err, "no port forwarded"))
	}
	return &openForward{
		pod:  pod,
		addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(int(ports[0].Local))),
		done: done,
		stop: func() { close(stop) },
	}, nil
}

func (s *spdyOpener) newPortForwarder(pod string) (*portforward.PortForwarder, chan struct{}, chan struct{}, error) {
	transport, upgrader, err := spdy.RoundTripperFor(s.cfg)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("spdy transport: %w", err)
	}
	url := s.cs.CoreV1().RESTClient().Post().Resource("pods").
		Namespace(s.ns).Name(pod).SubResource("portforward").URL()
	dialer := spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, url)
	stop, ready := make(chan struct{}), make(chan struct{})
	ports := []string{"0:" + strconv.Itoa(s.port)}
	pf, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, ports, stop, ready, io.Discard, io.Discard)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("new port-forward: %w", err)
	}
	return pf, ready, stop, nil
}

// waitListening waits for the forward to listen, fail, or ctx to end.
func waitListening(ctx context.Context, ready <-chan struct{}, errc <-chan error, stop chan struct{}) error {
	select {
	case <-ready:
		return nil
	case err := <-errc:
		return fmt.Errorf("forward ports: %w", orErr(err, "forward ended before it was ready"))
	case <-ctx.Done():
		close(stop)
		return fmt.Errorf("wait for forward: %w", ctx.Err())
	}
}

// ssarPermission asks the API server whether the identity may create
// pods/portforward in ns.
func ssarPermission(cs kubernetes.Interface, ns string) permission {
	return func(ctx context.Context, pod string) (bool, error) {
		r := &authzv1.SelfSubjectAccessReview{Spec: authzv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authzv1.ResourceAttributes{
				Namespace: ns, Verb: "create", Resource: "pods", Subresource: "portforward", Name: pod,
			},
		}}
		got, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, r, metav1.CreateOptions{})
		if err != nil {
			return false, fmt.Errorf("ask whether pods/portforward is allowed in %s: %w", ns, err)
		}
		return got.Status.Allowed, nil
	}
}

// orErr returns err, or an error saying msg when err is nil.
func orErr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}
