package check

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

func init() { register("serviceHeadless", newHeadless) }

// headless passes when a Service has clusterIP: None.
type headless struct {
	Service string `json:"service"`
}

var _ Check = (*headless)(nil)

func newHeadless(params []byte) (Check, error) {
	c := &headless{}
	return c, decode(params, c)
}

func (c *headless) validate() error { return required("service", c.Service) }

// Run implements Check.
func (c *headless) Run(_ context.Context, env *Env) Result {
	svc := env.Snap.Service(env.Namespace, c.Service)
	if svc == nil {
		return fail("Service %s does not exist in namespace %s", c.Service, env.Namespace)
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		return pass("Service %s has clusterIP: None", c.Service)
	}
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		return fail("Service %s is of type %s; a headless Service is type ClusterIP with clusterIP: None", c.Service, svc.Spec.Type)
	}
	return fail("Service %s has clusterIP %s, a virtual IP; a headless Service has clusterIP: None (clusterIP cannot be changed in place)", c.Service, svc.Spec.ClusterIP)
}

func pass(format string, a ...any) Result {
	return Result{Status: Pass, Message: fmt.Sprintf(format, a...)}
}

func fail(format string, a ...any) Result {
	return Result{Status: Fail, Message: fmt.Sprintf(format, a...)}
}
