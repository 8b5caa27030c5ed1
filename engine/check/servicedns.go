package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("headlessServiceDNS", newServiceDNS) }

// serviceDNS passes when a Service's name resolves to exactly the IPs of its
// ready pods, with no virtual IP, and its SRV records name every such pod.
type serviceDNS struct {
	Service string `json:"service"`
}

var _ Check = (*serviceDNS)(nil)

func newServiceDNS(params []byte) (Check, error) {
	c := &serviceDNS{}
	return c, decode(params, c)
}

func (c *serviceDNS) validate() error { return required("service", c.Service) }

// Run implements Check.
func (c *serviceDNS) Run(ctx context.Context, env *Env) Result {
	ns := env.Namespace
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return fail("Service %s does not exist in namespace %s", c.Service, ns)
	}
	name := svcName(c.Service, ns, env.Domain)
	wantIPs, wantTargets := c.expected(env, svc)
	got, rcode, ttl, err := askTTL(ctx, env, name, dns.A)
	if err != nil {
		return unreachable(err)
	}
	if r, bad := c.compareA(name, svc, got, rcode, wantIPs); bad {
		if svc.Spec.ClusterIP == corev1.ClusterIPNone && len(wantIPs) > 0 {
			r.Settling = settleFor(ttl)
		}
		return r
	}
	targets, _, err := ask(ctx, env, name, dns.SRV)
	if err != nil {
		return unreachable(err)
	}
	if missing := minus(wantTargets, targets); len(missing) > 0 {
		r := fail("%s resolves to the %d ready pod IPs, but its SRV records list %s; missing %s", name, len(wantIPs), describeAnswer(targets, ""), strings.Join(missing, ", "))
		r.Requery = true
		return r
	}
	return pass("%s resolves to the %d ready pod IPs (%s); SRV lists %s", name, len(wantIPs), strings.Join(got, ", "), strings.Join(targets, ", "))
}

func (c *serviceDNS) compareA(name string, svc *corev1.Service, got []string, rcode string, want []string) (Result, bool) {
	var r Result
	switch {
	case svc.Spec.ClusterIP != corev1.ClusterIPNone && contains(got, svc.Spec.ClusterIP):
		r = fail("%s resolves to %s, a virtual IP; expected the %d ready pod IPs (%s)", name, describeAnswer(got, rcode), len(want), listOrNone(want))
	case len(want) == 0:
		r = fail("%s resolves to %s; no ready pod is selected by Service %s, so there is nothing it should resolve to", name, describeAnswer(got, rcode), c.Service)
	case !sameSet(got, want):
		r = fail("%s resolves to %s; expected exactly the %d ready pod IPs (%s)", name, describeAnswer(got, rcode), len(want), strings.Join(want, ", "))
	default:
		return r, false
	}
	r.Requery = true
	return r, true
}

// expected returns the ready selected pods' IPs and their SRV target names.
func (c *serviceDNS) expected(env *Env, svc *corev1.Service) (ips, targets []string) {
	for _, p := range env.Snap.PodsMatching(svc.Namespace, svc.Spec.Selector) {
		if !snapshot.PodReady(p) || p.Status.PodIP == "" {
			continue
		}
		ips = append(ips, p.Status.PodIP)
		if p.Spec.Hostname != "" && p.Spec.Subdomain == svc.Name {
			targets = append(targets, fmt.Sprintf("%s.%s", p.Spec.Hostname, svcName(svc.Name, svc.Namespace, env.Domain)))
		}
	}
	sort.Strings(ips)
	sort.Strings(targets)
	return ips, targets
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
