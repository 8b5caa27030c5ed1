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
		return fail("StatefulSet %s does not exist in namespace %s", c.StatefulSet, ns)
	}
	if sts.Spec.ServiceName != c.Service {
		return fail("StatefulSet %s has serviceName %q; its pods get DNS names under the Service it names, so it must be %q", c.StatefulSet, sts.Spec.ServiceName, c.Service)
	}
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return fail("StatefulSet %s names Service %s, which does not exist", c.StatefulSet, c.Service)
	}
	if len(svc.Spec.Selector) == 0 {
		return fail("Service %s has no selector, so no endpoints are made from the StatefulSet's pods", c.Service)
	}
	tmpl := labels.Set(sts.Spec.Template.Labels)
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(tmpl) {
		return fail("Service %s selects %s, but StatefulSet %s's pods are labelled %s", c.Service, setString(svc.Spec.Selector), c.StatefulSet, setString(sts.Spec.Template.Labels))
	}
	n := len(env.Snap.PodsMatching(ns, svc.Spec.Selector))
	return pass("StatefulSet %s has serviceName %s, and the Service's selector %s matches its pods (%d running)", c.StatefulSet, c.Service, setString(svc.Spec.Selector), n)
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
