package check

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/k8squest/k8squest/engine/dns"
)

func init() { register("statefulSetPodDNS", newPodDNS) }

// podDNS passes when every StatefulSet pod's stable name,
// <pod>.<service>.<ns>.svc.<domain>, resolves to that pod's current IP.
type podDNS struct {
	StatefulSet string `json:"statefulSet"`
	Service     string `json:"service"`
}

var _ Check = (*podDNS)(nil)

func newPodDNS(params []byte) (Check, error) {
	c := &podDNS{}
	return c, decode(params, c)
}

func (c *podDNS) validate() error {
	if err := required("statefulSet", c.StatefulSet); err != nil {
		return err
	}
	return required("service", c.Service)
}

// Run implements Check.
func (c *podDNS) Run(ctx context.Context, env *Env) Result {
	ns := env.Namespace
	sts := env.Snap.StatefulSet(ns, c.StatefulSet)
	if sts == nil {
		return absent("StatefulSet", c.StatefulSet, ns)
	}
	var good, bad []string
	var settle time.Duration
	for i := int32(0); i < replicas(sts.Spec.Replicas); i++ {
		ok, line, s, err := c.one(ctx, env, fmt.Sprintf("%s-%d", c.StatefulSet, i))
		if err != nil {
			return unreachable(err)
		}
		settle = max(settle, s)
		if ok {
			good = append(good, line)
		} else {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		answers := strings.Join(append(bad, good...), "; ")
		r := fail(answers, fmt.Sprintf("%s. Each name is a record the cluster's DNS makes from Service %s's EndpointSlices for a pod whose hostname and subdomain match; a pod that moved keeps its name, and an old answer lasts until its TTL runs out", answers, c.Service))
		r.Requery, r.Settling = true, settle
		if settle > 0 {
			r.Message += settlingNote
		}
		return r
	}
	answers := strings.Join(good, "; ")
	diag := answers
	if svc := env.Snap.Service(ns, c.Service); svc != nil && svc.Spec.ClusterIP != "None" {
		diag += fmt.Sprintf(". Note: this cluster's DNS answers these names although Service %s is not headless; the Kubernetes DNS specification promises them only for headless Services", c.Service)
	}
	return pass(answers, diag)
}

// one resolves one pod's name and compares it with the pod's IP. An answer
// naming another address may be a cached one from before the pod moved, so
// it comes with how long to keep asking.
func (c *podDNS) one(ctx context.Context, env *Env, pod string) (bool, string, time.Duration, error) {
	ns := env.Namespace
	name := fmt.Sprintf("%s.%s", pod, svcName(c.Service, ns, env.Domain))
	got, rcode, ttl, err := askTTL(ctx, env, name, dns.A)
	if err != nil {
		return false, "", 0, err
	}
	p := env.Snap.Pod(ns, pod)
	if p == nil || p.Status.PodIP == "" {
		return false, fmt.Sprintf("%s has no pod IP yet (DNS says %s)", pod, describeAnswer(got, rcode)), 0, nil
	}
	if sameSet(got, []string{p.Status.PodIP}) {
		return true, fmt.Sprintf("%s → %s", name, p.Status.PodIP), 0, nil
	}
	var settle time.Duration
	if len(got) > 0 {
		settle = settleFor(ttl)
	}
	return false, fmt.Sprintf("%s → %s; expected pod %s's IP %s", name, describeAnswer(got, rcode), pod, p.Status.PodIP), settle, nil
}
