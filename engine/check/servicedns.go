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
		return absent("Service", c.Service, ns)
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
			r.Message += settlingNote
		}
		return r
	}
	targets, _, err := ask(ctx, env, name, dns.SRV)
	if err != nil {
		return unreachable(err)
	}
	if missing := minus(wantTargets, targets); len(missing) > 0 {
		symptom := fmt.Sprintf("%s answers the %d ready pod IPs, but its SRV records list %s; missing %s", name, len(wantIPs), describeAnswer(targets, ""), strings.Join(missing, ", "))
		r := fail(symptom, symptom+"; a pod gets an SRV target only when its hostname is set and its subdomain equals the Service's name")
		r.Requery = true
		return r
	}
	ok := fmt.Sprintf("%s answers the %d ready pod IPs (%s); SRV lists %s", name, len(wantIPs), strings.Join(got, ", "), strings.Join(targets, ", "))
	return pass(ok, ok)
}

func (c *serviceDNS) compareA(name string, svc *corev1.Service, got []string, rcode string, want []string) (Result, bool) {
	var r Result
	switch {
	case svc.Spec.ClusterIP != corev1.ClusterIPNone && contains(got, svc.Spec.ClusterIP):
		r = fail(fmt.Sprintf("%s answers %s, not the %d ready pods (%s); peers cannot find each other by it", name, oneAddress(got, rcode), len(want), listOrNone(want)),
			fmt.Sprintf("%s resolves to %s, a virtual IP; expected the %d ready pod IPs (%s): a Service with a cluster IP gets one A record, for its virtual IP, while a headless Service (clusterIP: None) gets one A record per ready pod and SRV records naming each pod", name, describeAnswer(got, rcode), len(want), listOrNone(want)))
	case len(want) == 0:
		r = failf("%s answers %s; no ready pod is selected by Service %s, so there is nothing it should answer", name, describeAnswer(got, rcode), c.Service)
	case !sameSet(got, want):
		symptom := fmt.Sprintf("%s answers %s; the ready pods are exactly %s", name, describeAnswer(got, rcode), strings.Join(want, ", "))
		r = fail(symptom, symptom+"; the cluster's DNS builds this answer from the ready endpoints of the Service's EndpointSlices, and a cached answer lasts until its TTL runs out")
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

// oneAddress says "one address, X" or lists the answer.
func oneAddress(got []string, rcode string) string {
	if len(got) == 1 {
		return "one address, " + got[0]
	}
	return describeAnswer(got, rcode)
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
