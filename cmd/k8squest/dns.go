package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
)

// dnsDefaultNamespace is the search-path namespace when -n is not given.
const dnsDefaultNamespace = "default"

func newDNSCmd(g *globals) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "dns NAME",
		Short: "Ask the cluster DNS for a name the way a pod would",
		Long: "Ask the cluster DNS for NAME with a pod's search path (namespace from -n, default \"default\").\n" +
			"Answers print one per line like dig +short; stderr says which name answered.",
		Example: "  k8squest dns kubernetes.default\n  k8squest dns _http._tcp.web -n k8squest --type SRV\n  k8squest dns 10.96.0.1 --type PTR",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runDNS(cmd.Context(), args[0], typ)
		},
	}
	cmd.Flags().StringVarP(&typ, "type", "t", "A", "query type: A, AAAA, SRV or PTR")
	return cmd
}

// runDNS resolves name in the chosen provider's cluster and prints the answer.
func (g *globals) runDNS(ctx context.Context, name, typ string) error {
	t, err := dns.ParseType(typ)
	if err != nil {
		return err
	}
	r, domain, err := g.clusterResolver(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	ns := g.namespace
	if ns == "" {
		ns = dnsDefaultNamespace
	}
	asked, a, err := dns.Resolve(ctx, r, name, ns, domain, t)
	if err != nil {
		return dnsError(name, err)
	}
	fmt.Fprintf(g.stderr, ";; %s answered\n", asked)
	printAnswer(g.stdout, a)
	return nil
}

// clusterResolver connects to the provider's cluster and opens its DNS.
func (g *globals) clusterResolver(ctx context.Context) (dns.Resolver, string, error) {
	p, reason, err := g.providerFor(nil)
	if err != nil {
		return nil, "", err
	}
	if g.provider == "" && reason != "" {
		fmt.Fprintf(g.stderr, ";; %s\n", reason)
	}
	c, err := p.Connect(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("connect to the %s cluster: %w", p.Name(), err)
	}
	r, err := g.openDNS(ctx, c, nil)
	if err != nil {
		if r != nil {
			_ = r.Close()
		}
		return nil, "", fmt.Errorf("open the %s cluster's DNS: %w", p.Name(), err)
	}
	return r, c.Domain, nil
}

// dnsHint says what to do when the cluster's own DNS cannot be reached.
const dnsHint = "pass --dns-server HOST:PORT to ask a DNS server directly"

// dnsWaitStep is the set-up step that waits for the cluster DNS.
const dnsWaitStep = "wait for the cluster DNS"

// dnsServerAddr returns --dns-server after checking that it is HOST:PORT;
// empty when it was not given.
func (g *globals) dnsServerAddr() (string, error) {
	if g.dnsServer == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(g.dnsServer)
	if err == nil && host == "" {
		err = errors.New("the host is missing")
	}
	if n, perr := strconv.Atoi(port); err == nil && (perr != nil || n < 1 || n > 65535) {
		err = fmt.Errorf("port %q is not a number from 1 to 65535", port)
	}
	if err != nil {
		return "", fmt.Errorf("--dns-server %q: want HOST:PORT, such as 10.96.0.10:53: %w", g.dnsServer, err)
	}
	return g.dnsServer, nil
}

// openDNS returns the resolver the DNS checks ask for c: the server named by
// --dns-server, else the cluster's own DNS, directly or through a
// port-forward to its DNS pod, waited for up to its set-up timeout (a step
// on rep when rep is set). A DNS that cannot be reached yet is not fatal:
// the resolver is returned with the error saying why, and it tries again on
// each query. Only a nil resolver means there is none.
func (g *globals) openDNS(ctx context.Context, c *cluster.Cluster, rep cluster.Reporter) (dns.Resolver, error) {
	addr, err := g.dnsServerAddr()
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
		rep.Report(cluster.Event{Step: dnsWaitStep, State: cluster.StepInfo, Detail: why})
	}}
	r, err := dns.ForCluster(c, opts)
	if err != nil {
		return nil, err
	}
	rep.Report(cluster.Event{Step: dnsWaitStep, State: cluster.StepStarted})
	werr := dns.WaitReady(ctx, r)
	if werr != nil {
		rep.Report(cluster.Event{Step: dnsWaitStep, State: cluster.StepInfo,
			Detail: werr.Error() + "; starting anyway, the DNS checks show Unknown until it answers"})
	}
	rep.Report(cluster.Event{Step: dnsWaitStep, State: cluster.StepDone})
	return r, werr
}

// printAnswer prints one record value per line, like dig +short.
func printAnswer(w io.Writer, a dns.Answer) {
	for _, rec := range a.Records {
		fmt.Fprintln(w, rec.Value)
	}
}

// dnsError names every name tried when nothing answered.
func dnsError(name string, err error) error {
	var nf *dns.NotFoundError
	if !errors.As(err, &nf) {
		return fmt.Errorf("resolve %s: %w", name, err)
	}
	lines := make([]string, len(nf.Tried))
	for i, n := range nf.Tried {
		lines[i] = fmt.Sprintf("  %s: %s", n, nf.Rcodes[i])
	}
	return fmt.Errorf("%s has no %s records; tried:\n%s", name, nf.Type, strings.Join(lines, "\n"))
}
