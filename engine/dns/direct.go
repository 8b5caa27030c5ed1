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

// Direct returns a Resolver that asks the DNS server at addr (host:port) over
// UDP, falling back to TCP when the answer is truncated. Each exchange times
// out after about two seconds and is retried once; when neither attempt gets
// an answer the error wraps ErrUnreachable.
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
	in, _, err := c.ExchangeContext(ctx, q.Copy(), d.addr)
	if err != nil {
		return nil, fmt.Errorf("%s exchange: %w", network, err)
	}
	if in == nil {
		return nil, errors.New(network + " exchange: empty reply")
	}
	return in, nil
}

// isNetError reports whether err came from the network rather than the answer.
func isNetError(err error) bool {
	var ne net.Error
	return errors.Is(err, ErrUnreachable) || errors.As(err, &ne)
}
