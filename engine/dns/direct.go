package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	mdns "github.com/miekg/dns"
)

// DefaultTimeout bounds one exchange with a DNS server.
const DefaultTimeout = 2 * time.Second

// direct asks one DNS server at a fixed host:port.
type direct struct {
	addr    string
	timeout time.Duration
	// tcpOnly skips UDP, as through a port-forward, which carries only TCP.
	tcpOnly bool
}

// RcodeTimeout is the Rcode of an Answer the server took the question for
// over TCP but did not answer in time, as CoreDNS does for a name it
// forwards to an upstream server that cannot be reached (a dotless name on
// the search path, offline or behind a VPN). The name has no answer; the
// server itself is up.
const RcodeTimeout = "TIMEOUT"

// errNoAnswer says a TCP connection was up but no reply came in time.
var errNoAnswer = errors.New("no answer in time")

// Direct returns a Resolver that asks the DNS server at addr (host:port) over
// UDP, falling back to TCP when the answer is truncated. Each exchange times
// out after about two seconds and is retried once; when neither attempt gets
// an answer the error wraps ErrUnreachable. Over TCP, a server that accepts
// the connection but does not answer in time gives an Answer with Rcode
// RcodeTimeout instead.
func Direct(addr string) Resolver {
	return &direct{addr: addr, timeout: DefaultTimeout}
}

// Query implements Resolver.
func (d *direct) Query(ctx context.Context, name string, t Type) (Answer, error) {
	q, err := newQuestion(name, t)
	if err != nil {
		return Answer{}, err
	}
	in, err := d.exchangeRetry(ctx, q)
	if errors.Is(err, errNoAnswer) {
		return Answer{Name: q.Question[0].Name, Type: t, Rcode: RcodeTimeout}, nil
	}
	if err != nil {
		return Answer{}, fmt.Errorf("ask %s for %s %s: %w", d.addr, t, name, err)
	}
	return toAnswer(q.Question[0].Name, t, in), nil
}

// Close implements Resolver; a direct resolver holds nothing open.
func (d *direct) Close() error { return nil }

// exchangeRetry tries the exchange twice before giving up.
func (d *direct) exchangeRetry(ctx context.Context, q *mdns.Msg) (*mdns.Msg, error) {
	var err error
	for range 2 {
		var in *mdns.Msg
		if in, err = d.exchange(ctx, q); err == nil {
			return in, nil
		}
		if ctx.Err() != nil {
			break
		}
		if errors.Is(err, errNoAnswer) {
			// TCP has no lost packets to retry for.
			return nil, err
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, ctx.Err())
	}
	return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
}

// exchange asks once over UDP, then over TCP when the reply was truncated.
func (d *direct) exchange(ctx context.Context, q *mdns.Msg) (*mdns.Msg, error) {
	if d.tcpOnly {
		return d.exchangeNet(ctx, q, "tcp")
	}
	in, err := d.exchangeNet(ctx, q, "udp")
	if err != nil || !in.Truncated {
		return in, err
	}
	return d.exchangeNet(ctx, q, "tcp")
}

func (d *direct) exchangeNet(ctx context.Context, q *mdns.Msg, network string) (*mdns.Msg, error) {
	c := &mdns.Client{Net: network, Timeout: d.timeout, UDPSize: mdns.DefaultMsgSize}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	if network == "tcp" {
		return d.exchangeTCP(ctx, c, q)
	}
	in, _, err := c.ExchangeContext(ctx, q.Copy(), d.addr)
	if err != nil {
		return nil, fmt.Errorf("%s exchange: %w", network, err)
	}
	if in == nil {
		return nil, errors.New(network + " exchange: empty reply")
	}
	return in, nil
}

// exchangeTCP connects first, so that a server that takes the connection
// but sends nothing in time (an answer that never comes, errNoAnswer) is
// told apart from one that cannot be reached or drops the connection.
func (d *direct) exchangeTCP(ctx context.Context, c *mdns.Client, q *mdns.Msg) (*mdns.Msg, error) {
	conn, err := c.DialContext(ctx, d.addr)
	if err != nil {
		return nil, fmt.Errorf("tcp dial: %w", err)
	}
	defer func() { _ = conn.Close() }()
	in, _, err := c.ExchangeWithConnContext(ctx, q.Copy(), conn)
	if err != nil && isTimeout(err) {
		return nil, fmt.Errorf("tcp exchange: %w: %w", errNoAnswer, err)
	}
	if err != nil {
		return nil, fmt.Errorf("tcp exchange: %w", err)
	}
	if in == nil {
		return nil, errors.New("tcp exchange: empty reply")
	}
	return in, nil
}

// isTimeout reports whether err is a deadline passing rather than a failure.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
