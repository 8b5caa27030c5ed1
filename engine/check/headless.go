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
		return absent("Service", c.Service, env.Namespace)
	}
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		return pass(fmt.Sprintf("Service %s holds no virtual IP of its own: its name leads to the pods themselves", c.Service),
			fmt.Sprintf("Service %s has clusterIP: None (headless)", c.Service))
	}
	symptom := fmt.Sprintf("Service %s holds one virtual IP, %s, for all its pods: a client cannot pick a pod by it", c.Service, svc.Spec.ClusterIP)
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeClusterIP {
		return fail(symptom, fmt.Sprintf("Service %s is of type %s; a headless Service is type ClusterIP with clusterIP: None", c.Service, svc.Spec.Type))
	}
	return fail(symptom, fmt.Sprintf("Service %s has clusterIP %s, a virtual IP; a headless Service has clusterIP: None, and clusterIP cannot be changed in place: the API server refuses to change it once set, so the Service has to be deleted and created again", c.Service, svc.Spec.ClusterIP))
}
