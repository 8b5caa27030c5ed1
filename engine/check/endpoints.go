package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("serviceEndpoints", newEndpoints) }

// endpoints passes when a Service's selector picks exactly the pods of one
// workload and its EndpointSlices list every one of those pods, ready, and
// nothing else.
type endpoints struct {
	Service string `json:"service"`
	// Kind and Name name the workload whose pods the Service must front.
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Namespace is a namespace role from the level spec; empty is the main one.
	Namespace string `json:"namespace"`
}

var _ Check = (*endpoints)(nil)

func newEndpoints(params []byte) (Check, error) {
	c := &endpoints{}
	return c, decode(params, c)
}

func (c *endpoints) validate() error {
	if err := required("service", c.Service); err != nil {
		return err
	}
	if c.Kind != "Deployment" && c.Kind != "StatefulSet" {
		return fmt.Errorf("kind must be Deployment or StatefulSet, not %q", c.Kind)
	}
	return required("name", c.Name)
}

// Run implements Check.
func (c *endpoints) Run(_ context.Context, env *Env) Result {
	ns := env.Resolve(c.Namespace)
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return absent("Service", c.Service, ns)
	}
	wl, ok := findWorkload(env.Snap, ns, c.Kind, c.Name)
	if !ok {
		return absent(c.Kind, c.Name, ns)
	}
	if len(svc.Spec.Selector) == 0 {
		return fail(c.noAnswer(),
			fmt.Sprintf("Service %s has no selector, so no EndpointSlice is filled from pods; %s %s's pods are labelled %s", c.Service, c.Kind, c.Name, setString(wl.labels)))
	}
	if r, bad := c.compareSelection(env.Snap, svc, wl); bad {
		return r
	}
	return c.compareSlices(env.Snap, svc, wl)
}

// noAnswer is the symptom of a Service with no endpoints.
func (c *endpoints) noAnswer() string {
	return fmt.Sprintf("Service %s has no endpoints: requests to it get no answer", c.Service)
}

// compareSelection fails when the selector picks no pod, a pod of another
// workload, or misses one of the workload's pods.
func (c *endpoints) compareSelection(s *snapshot.Snapshot, svc *corev1.Service, wl workload) (Result, bool) {
	selected := s.PodsMatching(svc.Namespace, svc.Spec.Selector)
	sel := setString(svc.Spec.Selector)
	if len(selected) == 0 {
		return fail(c.noAnswer(), fmt.Sprintf("Service %s selects %s, which matches no pod; %s %s's pods are labelled %s", c.Service, sel, c.Kind, c.Name, setString(wl.labels))), true
	}
	var strangers, strangerNames []string
	for _, p := range selected {
		if !wl.owns(p) {
			strangers = append(strangers, fmt.Sprintf("%s (%s)", p.Name, setString(p.Labels)))
			strangerNames = append(strangerNames, p.Name)
		}
	}
	if len(strangers) > 0 {
		return fail(fmt.Sprintf("requests to Service %s also reach %s, not part of %s %s", c.Service, firstFew(strangerNames), c.Kind, c.Name),
			fmt.Sprintf("Service %s selects %s, which also matches %s, not part of %s %s; traffic would reach those pods too", c.Service, sel, firstFew(strangers), c.Kind, c.Name)), true
	}
	var missed, missedNames []string
	for _, p := range wl.pods(s) {
		if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(p.Labels)) {
			missed = append(missed, fmt.Sprintf("%s (%s)", p.Name, setString(p.Labels)))
			missedNames = append(missedNames, p.Name)
		}
	}
	if len(missed) > 0 {
		return fail(fmt.Sprintf("requests to Service %s never reach %s of %s %s", c.Service, firstFew(missedNames), c.Kind, c.Name),
			fmt.Sprintf("Service %s selects %s, which misses %s of %s %s", c.Service, sel, firstFew(missed), c.Kind, c.Name)), true
	}
	return Result{}, false
}

// compareSlices checks that the EndpointSlices list exactly the workload's
// pod IPs, all ready.
func (c *endpoints) compareSlices(s *snapshot.Snapshot, svc *corev1.Service, wl workload) Result {
	pods := wl.pods(s)
	want := map[string]string{}
	for _, p := range pods {
		if p.Status.PodIP != "" {
			want[p.Status.PodIP] = p.Name
		}
	}
	if len(want) == 0 {
		return failf("%s %s has no pod with an IP yet (%d pods), so Service %s has nothing to list", c.Kind, c.Name, len(pods), c.Service)
	}
	eps := sliceEndpoints(s, svc.Namespace, svc.Name)
	var extra, notReady, listed []string
	seen := map[string]bool{}
	for _, e := range eps {
		seen[e.ip] = true
		switch {
		case want[e.ip] == "":
			extra = append(extra, e.String())
		case !e.ready:
			notReady = append(notReady, e.String())
		default:
			listed = append(listed, e.String())
		}
	}
	var missing []string
	for ip, name := range want {
		if !seen[ip] {
			missing = append(missing, fmt.Sprintf("%s (%s)", ip, name))
		}
	}
	sort.Strings(missing)
	slices := fmt.Sprintf("the EndpointSlices of Service %s", c.Service)
	switch {
	case len(eps) == 0:
		return fail(c.noAnswer(), fmt.Sprintf("%s list no endpoint yet; %s %s's pods are %s", slices, c.Kind, c.Name, strings.Join(missing, ", ")))
	case len(extra) > 0:
		return failf("%s list %s, which is not a pod of %s %s", slices, strings.Join(extra, ", "), c.Kind, c.Name)
	case len(missing) > 0:
		return failf("%s list %s but not %s", slices, listOrNone(append(listed, notReady...)), strings.Join(missing, ", "))
	case len(notReady) > 0:
		return failf("%s list %s as not ready", slices, strings.Join(notReady, ", "))
	}
	return pass(fmt.Sprintf("Service %s answers through the %d pod%s of %s %s, all ready: %s", c.Service, len(listed), plural(len(listed)), c.Kind, c.Name, strings.Join(listed, ", ")),
		fmt.Sprintf("%s list the %d pod%s of %s %s, all ready: %s", slices, len(listed), plural(len(listed)), c.Kind, c.Name, strings.Join(listed, ", ")))
}

// endpoint is one address of a Service's EndpointSlices.
type endpoint struct {
	ip, pod string
	ready   bool
}

// String implements fmt.Stringer.
func (e endpoint) String() string {
	if e.pod == "" {
		return e.ip
	}
	return fmt.Sprintf("%s (%s)", e.ip, e.pod)
}

// sliceEndpoints returns the addresses of Service ns/name's EndpointSlices,
// one per IP, sorted, leaving out terminating endpoints. An address counts as ready when any slice says so; a
// missing ready condition means ready, as the API documents.
func sliceEndpoints(s *snapshot.Snapshot, ns, name string) []endpoint {
	byIP := map[string]*endpoint{}
	for _, es := range s.SlicesFor(ns, name) {
		for _, ep := range es.Endpoints {
			if ep.Conditions.Terminating != nil && *ep.Conditions.Terminating {
				continue // on its way out: it takes no new connections
			}
			ready := ep.Conditions.Ready == nil || *ep.Conditions.Ready
			for _, ip := range ep.Addresses {
				e, ok := byIP[ip]
				if !ok {
					e = &endpoint{ip: ip}
					byIP[ip] = e
				}
				e.ready = e.ready || ready
				if ep.TargetRef != nil && ep.TargetRef.Kind == "Pod" {
					e.pod = ep.TargetRef.Name
				}
			}
		}
	}
	out := make([]endpoint, 0, len(byIP))
	for _, e := range byIP {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ip < out[j].ip })
	return out
}

// readyEndpoints returns the ready addresses of Service ns/name.
func readyEndpoints(s *snapshot.Snapshot, ns, name string) []endpoint {
	var out []endpoint
	for _, e := range sliceEndpoints(s, ns, name) {
		if e.ready {
			out = append(out, e)
		}
	}
	return out
}

// workload is a Deployment or StatefulSet reduced to what checks compare.
type workload struct {
	ns       string
	selector labels.Selector
	// labels are the pod template's labels, for messages.
	labels map[string]string
}

// findWorkload returns the named Deployment or StatefulSet.
func findWorkload(s *snapshot.Snapshot, ns, kind, name string) (workload, bool) {
	var sel *metav1.LabelSelector
	var tmpl map[string]string
	switch kind {
	case "Deployment":
		d := s.Deployment(ns, name)
		if d == nil {
			return workload{}, false
		}
		sel, tmpl = d.Spec.Selector, d.Spec.Template.Labels
	case "StatefulSet":
		st := s.StatefulSet(ns, name)
		if st == nil {
			return workload{}, false
		}
		sel, tmpl = st.Spec.Selector, st.Spec.Template.Labels
	default:
		return workload{}, false
	}
	ls, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || sel == nil {
		ls = labels.Nothing()
	}
	return workload{ns: ns, selector: ls, labels: tmpl}, true
}

// owns reports whether p is one of the workload's pods: same namespace and
// matched by the workload's selector.
func (w workload) owns(p *corev1.Pod) bool {
	return p.Namespace == w.ns && w.selector.Matches(labels.Set(p.Labels))
}

// pods returns the workload's live pods, sorted by name.
func (w workload) pods(s *snapshot.Snapshot) []*corev1.Pod {
	var out []*corev1.Pod
	for _, p := range s.Pods {
		if p.DeletionTimestamp == nil && w.owns(p) {
			out = append(out, p)
		}
	}
	snapshot.SortByName(out)
	return out
}

// firstFew joins up to three items and says how many more there are.
func firstFew(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:3], ", "), len(items)-3)
}
