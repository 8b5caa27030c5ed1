package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/levels/game"
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
	r, err := game.OpenDNS(ctx, c, g.dnsServer, nil)
	if err != nil {
		if r != nil {
			_ = r.Close()
		}
		return nil, "", fmt.Errorf("open the %s cluster's DNS: %w", p.Name(), err)
	}
	return r, c.Domain, nil
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
