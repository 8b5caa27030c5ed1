package check

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

func init() { register("sessionAffinity", newAffinity) }

// affinity passes when a Service pins each client to one backend
// (sessionAffinity: ClientIP with a positive timeout) and has enough ready
// endpoints for that choice to matter.
type affinity struct {
	Service string `json:"service"`
	// MinReadyEndpoints is the fewest ready endpoints that pass; 0 means 1.
	MinReadyEndpoints int `json:"minReadyEndpoints"`
	// Namespace is a namespace role from the level spec; empty is the main one.
	Namespace string `json:"namespace"`
}

var _ Check = (*affinity)(nil)

func newAffinity(params []byte) (Check, error) {
	c := &affinity{}
	return c, decode(params, c)
}

func (c *affinity) validate() error {
	if c.MinReadyEndpoints < 0 {
		return fmt.Errorf("minReadyEndpoints must not be negative, got %d", c.MinReadyEndpoints)
	}
	return required("service", c.Service)
}

// Run implements Check.
func (c *affinity) Run(_ context.Context, env *Env) Result {
	ns := env.Resolve(c.Namespace)
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return absent("Service", c.Service, ns)
	}
	ready := readyEndpoints(env.Snap, ns, c.Service)
	names := make([]string, len(ready))
	for i, e := range ready {
		names[i] = e.String()
	}
	spread := fmt.Sprintf("a client's next connection to Service %s may land on any of its %d ready pod%s (%s): nothing keeps a client on the pod it reached first", c.Service, len(ready), plural(len(ready)), listOrNone(names))
	if svc.Spec.SessionAffinity != corev1.ServiceAffinityClientIP {
		return fail(spread, fmt.Sprintf("Service %s has sessionAffinity %s: each new connection may go to any ready endpoint; sessionAffinity ClientIP with a positive sessionAffinityConfig.clientIP.timeoutSeconds keeps a client IP on one endpoint", c.Service, affinityOf(svc)))
	}
	timeout := int32(0)
	if cfg := svc.Spec.SessionAffinityConfig; cfg != nil && cfg.ClientIP != nil && cfg.ClientIP.TimeoutSeconds != nil {
		timeout = *cfg.ClientIP.TimeoutSeconds
	}
	if timeout <= 0 {
		return fail(spread, fmt.Sprintf("Service %s has sessionAffinity ClientIP but no positive sessionAffinityConfig.clientIP.timeoutSeconds", c.Service))
	}
	need := c.MinReadyEndpoints
	if need == 0 {
		need = 1
	}
	head := fmt.Sprintf("Service %s has sessionAffinity ClientIP with a %ds timeout", c.Service, timeout)
	if len(ready) < need {
		return fail(fmt.Sprintf("Service %s keeps each client on one pod, but has %d ready pod%s (%s) to spread clients over; at least %d are wanted", c.Service, len(ready), plural(len(ready)), listOrNone(names), need),
			fmt.Sprintf("%s, but %d ready endpoint%s (%s); at least %d are needed for clients to be spread and still stick to one", head, len(ready), plural(len(ready)), listOrNone(names), need))
	}
	return pass(fmt.Sprintf("Service %s keeps each client on the pod it reached first (for %ds after its last connection), across %d ready pods: %s", c.Service, timeout, len(ready), strings.Join(names, ", ")),
		fmt.Sprintf("%s and %d ready endpoints: %s", head, len(ready), strings.Join(names, ", ")))
}

func affinityOf(svc *corev1.Service) corev1.ServiceAffinity {
	if svc.Spec.SessionAffinity == "" {
		return corev1.ServiceAffinityNone
	}
	return svc.Spec.SessionAffinity
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
