package check

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("serviceExposed", newServiceExposed) }

// serviceExposed passes when a Service is reachable from outside the cluster
// and has somewhere to send traffic: type NodePort with node ports allocated,
// or type LoadBalancer whose provider has published an ingress address; in
// both cases with at least one ready endpoint.
type serviceExposed struct {
	Service string `json:"service"`
	// Namespace is a namespace role from the level spec; empty is the main one.
	Namespace string `json:"namespace"`
}

var _ Check = (*serviceExposed)(nil)

func newServiceExposed(params []byte) (Check, error) {
	c := &serviceExposed{}
	return c, decode(params, c)
}

func (c *serviceExposed) validate() error { return required("service", c.Service) }

// Run implements Check.
func (c *serviceExposed) Run(_ context.Context, env *Env) Result {
	ns := env.Resolve(c.Namespace)
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return absent("Service", c.Service, ns)
	}
	readyN, total := w3ReadyCount(env.Snap, ns, c.Service)
	noEndpoints := func(how string) Result {
		return fail(fmt.Sprintf("Service %s can be reached from outside, but has no ready endpoint to answer (%d listed)", c.Service, total),
			fmt.Sprintf("Service %s is %s, but it has no ready endpoints (%d listed), so traffic has nowhere to go", c.Service, how, total))
	}
	unreachable := fmt.Sprintf("Service %s has no address a client outside the cluster can reach", c.Service)
	switch svc.Spec.Type {
	case corev1.ServiceTypeNodePort:
		np := sxNodePorts(svc)
		if np == "" {
			return fail(unreachable, fmt.Sprintf("Service %s is type NodePort, but no node port is allocated yet", c.Service))
		}
		if readyN == 0 {
			return noEndpoints("type NodePort (" + np + ")")
		}
		return pass(fmt.Sprintf("Service %s answers from outside the cluster on every node (%s), with %d ready endpoint%s", c.Service, np, readyN, w3Plural(readyN)),
			fmt.Sprintf("Service %s is type NodePort: %s on every node, with %d ready endpoint%s", c.Service, np, readyN, w3Plural(readyN)))
	case corev1.ServiceTypeLoadBalancer:
		return c.loadBalancer(svc, readyN, noEndpoints)
	case corev1.ServiceTypeExternalName:
		return fail(unreachable, fmt.Sprintf("Service %s is type ExternalName, a DNS alias for %s; it exposes no pods", c.Service, svc.Spec.ExternalName))
	default:
		return fail(unreachable, fmt.Sprintf("Service %s is type ClusterIP (%s), reachable only from inside the cluster; expose it as NodePort or LoadBalancer", c.Service, svc.Spec.ClusterIP))
	}
}

// loadBalancer judges a LoadBalancer Service by the address its provider
// published.
func (c *serviceExposed) loadBalancer(svc *corev1.Service, readyN int, noEndpoints func(string) Result) Result {
	var addrs []string
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			addrs = append(addrs, in.IP)
		} else if in.Hostname != "" {
			addrs = append(addrs, in.Hostname)
		}
	}
	if len(addrs) == 0 {
		diag := fmt.Sprintf("Service %s is type LoadBalancer, but no load-balancer provider has given it an address (EXTERNAL-IP <pending>)", c.Service)
		if np := sxNodePorts(svc); np != "" {
			diag += "; meanwhile it is reachable only through its node ports (" + np + ")"
		}
		return fail(fmt.Sprintf("Service %s shows EXTERNAL-IP <pending>: clients outside the cluster have no address to reach it at", c.Service), diag)
	}
	if readyN == 0 {
		return noEndpoints("type LoadBalancer at " + strings.Join(addrs, ", "))
	}
	return pass(fmt.Sprintf("Service %s answers from outside the cluster at %s, with %d ready endpoint%s", c.Service, strings.Join(addrs, ", "), readyN, w3Plural(readyN)),
		fmt.Sprintf("Service %s is type LoadBalancer with address %s, and %d ready endpoint%s", c.Service, strings.Join(addrs, ", "), readyN, w3Plural(readyN)))
}

// sxNodePorts lists a Service's allocated node ports as "80:31233/TCP".
func sxNodePorts(svc *corev1.Service) string {
	var out []string
	for _, p := range svc.Spec.Ports {
		if p.NodePort != 0 {
			out = append(out, fmt.Sprintf("port %d → node port %d/%s", p.Port, p.NodePort, p.Protocol))
		}
	}
	return strings.Join(out, ", ")
}

// w3ReadyCount counts the distinct endpoints of Service ns/name, and those
// that are ready, over all its EndpointSlices. An endpoint listed in more
// than one slice is ready when any of them says so, whatever their order.
func w3ReadyCount(s *snapshot.Snapshot, ns, name string) (ready, total int) {
	isReady := map[string]bool{}
	for _, es := range s.SlicesFor(ns, name) {
		for _, ep := range es.Endpoints {
			key := strings.Join(ep.Addresses, ",")
			isReady[key] = isReady[key] || ep.Conditions.Ready == nil || *ep.Conditions.Ready
		}
	}
	for _, r := range isReady {
		if r {
			ready++
		}
	}
	return ready, len(isReady)
}
