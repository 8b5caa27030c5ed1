package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	mdns "github.com/miekg/dns"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Ndots is the ndots option kubelet writes into every pod's resolv.conf.
const Ndots = 5

// ErrNoRecords says that no name on the search path had records.
var ErrNoRecords = errors.New("no records found")

// NotFoundError says which names were tried and what each answered.
type NotFoundError struct {
	Type Type
	// Tried lists the names asked, in order, without trailing dots.
	Tried []string
	// Rcodes holds each tried name's response code, in the same order.
	Rcodes []string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	parts := make([]string, len(e.Tried))
	for i, n := range e.Tried {
		parts[i] = n + " (" + e.Rcodes[i] + ")"
	}
	return fmt.Sprintf("no %s records for any name tried: %s", e.Type, strings.Join(parts, ", "))
}

// Unwrap lets errors.Is match ErrNoRecords.
func (e *NotFoundError) Unwrap() error { return ErrNoRecords }

// SearchNames returns the names a pod in namespace would ask for name, in
// order, as its resolv.conf (search <ns>.svc.<domain> svc.<domain> <domain>,
// options ndots:5) makes the resolver do. A name ending in a dot is absolute
// and asked alone. The names carry no trailing dot.
func SearchNames(name, namespace, domain string) []string {
	if strings.HasSuffix(name, ".") {
		return []string{strings.TrimSuffix(name, ".")}
	}
	var search []string
	for _, s := range searchList(namespace, domain) {
		search = append(search, name+"."+s)
	}
	if strings.Count(name, ".") >= Ndots {
		return append([]string{name}, search...)
	}
	return append(search, name)
}

func searchList(namespace, domain string) []string {
	domain = strings.Trim(domain, ".")
	if domain == "" {
		domain = cluster.DefaultDomain
	}
	l := []string{"svc." + domain, domain}
	if namespace != "" {
		l = append([]string{namespace + ".svc." + domain}, l...)
	}
	return l
}

// ReverseName returns the in-addr.arpa or ip6.arpa name of ip, without a
// trailing dot.
func ReverseName(ip string) (string, error) {
	if net.ParseIP(ip) == nil {
		return "", fmt.Errorf("reverse name of %q: not an IP address", ip)
	}
	arpa, err := mdns.ReverseAddr(ip)
	if err != nil {
		return "", fmt.Errorf("reverse name of %q: %w", ip, err)
	}
	return strings.TrimSuffix(arpa, "."), nil
}

// Resolve asks r for name the way a pod in namespace would: each name from
// SearchNames in turn, until one answers NOERROR with records. It returns
// the name that answered. For PTR, an IP address is turned into its reverse
// name first. When no name has records the error is a *NotFoundError
// (wrapping ErrNoRecords); a server that cannot be reached stops the search.
func Resolve(ctx context.Context, r Resolver, name, namespace, domain string, t Type) (string, Answer, error) {
	names := SearchNames(name, namespace, domain)
	if t == PTR && net.ParseIP(name) != nil {
		arpa, err := ReverseName(name)
		if err != nil {
			return "", Answer{}, err
		}
		names = []string{arpa}
	}
	return resolveNames(ctx, r, names, t)
}

func resolveNames(ctx context.Context, r Resolver, names []string, t Type) (string, Answer, error) {
	nf := &NotFoundError{Type: t}
	var last Answer
	for _, n := range names {
		a, err := r.Query(ctx, n, t)
		if err != nil {
			return "", Answer{}, fmt.Errorf("resolve %s: %w", n, err)
		}
		if a.Rcode == "NOERROR" && len(a.Records) > 0 {
			return n, a, nil
		}
		nf.Tried, nf.Rcodes, last = append(nf.Tried, n), append(nf.Rcodes, a.Rcode), a
	}
	return "", last, nf
}
