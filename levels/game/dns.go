package game

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
)

// dnsHint says what to do when the cluster's own DNS cannot be reached.
const dnsHint = "pass --dns-server HOST:PORT to ask a DNS server directly"

// DNSWaitStep is the set-up step that waits for the cluster DNS.
const DNSWaitStep = "wait for the cluster DNS"

// ValidDNSServer returns addr after checking that it is HOST:PORT, or an
// error naming --dns-server; empty when addr is empty.
func ValidDNSServer(addr string) (string, error) {
	if addr == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err == nil && host == "" {
		err = errors.New("the host is missing")
	}
	if n, perr := strconv.Atoi(port); err == nil && (perr != nil || n < 1 || n > 65535) {
		err = fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if err != nil {
		return "", fmt.Errorf("--dns-server %q: want HOST:PORT, such as 10.96.0.10:53: %w", addr, err)
	}
	return addr, nil
}

// OpenDNS returns the resolver the DNS checks ask for c: server (HOST:PORT)
// when it is set, else the cluster's own DNS, directly or through a
// port-forward to its DNS pod, waited for up to its set-up timeout (a step
// on rep, which may be nil). A DNS that cannot be reached yet is not fatal:
// the resolver is returned with the error saying why, and it tries again on
// each query. Only a nil resolver means there is none.
func OpenDNS(ctx context.Context, c *cluster.Cluster, server string, rep cluster.Reporter) (dns.Resolver, error) {
	addr, err := ValidDNSServer(server)
	if err != nil {
		return nil, err
	}
	if addr != "" {
		return dns.Direct(addr), nil
	}
	if c.DNSAddr != "" {
		return dns.Direct(c.DNSAddr), nil
	}
	opts := dns.PortForwardOptions{Hint: dnsHint, OnWait: func(why string) {
		rep.Report(cluster.Event{Step: DNSWaitStep, State: cluster.StepInfo, Detail: why})
	}}
	r, err := dns.ForCluster(c, opts)
	if err != nil {
		return nil, err
	}
	rep.Report(cluster.Event{Step: DNSWaitStep, State: cluster.StepStarted})
	werr := dns.WaitReady(ctx, r)
	if werr != nil {
		rep.Report(cluster.Event{Step: DNSWaitStep, State: cluster.StepInfo,
			Detail: werr.Error() + "; starting anyway, the DNS checks show Unknown until it answers"})
	}
	rep.Report(cluster.Event{Step: DNSWaitStep, State: cluster.StepDone})
	return r, werr
}
