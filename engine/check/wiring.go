package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
)

func init() { register("statefulSetService", newWiring) }

// wiring passes when a StatefulSet's serviceName names the Service and the
// Service's selector selects the StatefulSet's pods.
type wiring struct {
	StatefulSet string `json:"statefulSet"`
	Service     string `json:"service"`
}

var _ Check = (*wiring)(nil)

func newWiring(params []byte) (Check, error) {
	c := &wiring{}
	return c, decode(params, c)
}

func (c *wiring) validate() error {
	if err := required("statefulSet", c.StatefulSet); err != nil {
		return err
	}
	return required("service", c.Service)
}

// Run implements Check.
func (c *wiring) Run(_ context.Context, env *Env) Result {
	ns := env.Namespace
	sts := env.Snap.StatefulSet(ns, c.StatefulSet)
	if sts == nil {
		return absent("StatefulSet", c.StatefulSet, ns)
	}
	if sts.Spec.ServiceName != c.Service {
		return fail(fmt.Sprintf("StatefulSet %s's pods get no names under %s", c.StatefulSet, c.Service),
			fmt.Sprintf("StatefulSet %s has serviceName %q; its pods get DNS names under the Service it names, so it must be %q", c.StatefulSet, sts.Spec.ServiceName, c.Service))
	}
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return failf("StatefulSet %s names Service %s, which does not exist", c.StatefulSet, c.Service)
	}
	lost := fmt.Sprintf("Service %s leads to none of StatefulSet %s's pods", c.Service, c.StatefulSet)
	if len(svc.Spec.Selector) == 0 {
		return fail(lost, fmt.Sprintf("Service %s has no selector, so no endpoints are made from the StatefulSet's pods", c.Service))
	}
	tmpl := labels.Set(sts.Spec.Template.Labels)
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(tmpl) {
		return fail(lost, fmt.Sprintf("Service %s selects %s, but StatefulSet %s's pods are labelled %s", c.Service, setString(svc.Spec.Selector), c.StatefulSet, setString(sts.Spec.Template.Labels)))
	}
	n := len(env.Snap.PodsMatching(ns, svc.Spec.Selector))
	return pass(fmt.Sprintf("StatefulSet %s's pods are named under Service %s, and the Service leads to them (%d running)", c.StatefulSet, c.Service, n),
		fmt.Sprintf("StatefulSet %s has serviceName %s, and the Service's selector %s matches its pods (%d running)", c.StatefulSet, c.Service, setString(svc.Spec.Selector), n))
}

// setString prints a label map as k=v pairs, sorted.
func setString(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%s", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
