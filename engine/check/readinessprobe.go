package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("readinessProbe", newReadinessProbe) }

// readinessProbe passes when the serving container of a Deployment has a
// readinessProbe aimed at a port that container declares, the rollout has
// finished, and the EndpointSlices of the Services in front of it mark each
// pod ready exactly when the pod's Ready condition is True.
type readinessProbe struct {
	Deployment string `json:"deployment"`
	// Container names the serving container; empty picks the container that
	// declares the port the Service targets, else the first with ports.
	Container string `json:"container"`
	// Service names the Service whose endpoints are compared; empty takes
	// every Service whose selector matches the Deployment's pods.
	Service string `json:"service"`
}

var _ Check = (*readinessProbe)(nil)

func newReadinessProbe(params []byte) (Check, error) {
	c := &readinessProbe{}
	return c, decode(params, c)
}

func (c *readinessProbe) validate() error { return required("deployment", c.Deployment) }

// Run implements Check.
func (c *readinessProbe) Run(_ context.Context, env *Env) Result {
	ns := env.Namespace
	d := env.Snap.Deployment(ns, c.Deployment)
	if d == nil {
		return absent("Deployment", c.Deployment, ns)
	}
	svcs, r := c.services(env.Snap, ns, d)
	if r != nil {
		return *r
	}
	ctr, r := c.container(d, svcs)
	if r != nil {
		return *r
	}
	probe, r := c.probe(ctr)
	if r != nil {
		return *r
	}
	if d.Status.ObservedGeneration < d.Generation || d.Status.UpdatedReplicas < replicas(d.Spec.Replicas) || d.Status.Replicas > d.Status.UpdatedReplicas {
		return failf("Deployment %s is still rolling out a change (%d of %d replicas updated)", c.Deployment, d.Status.UpdatedReplicas, replicas(d.Spec.Replicas))
	}
	var notes []string
	for _, svc := range svcs {
		note, r := c.compare(env.Snap, ns, svc)
		if r != nil {
			return *r
		}
		notes = append(notes, note)
	}
	return pass(fmt.Sprintf("%s: a pod of Deployment %s gets traffic only once it answers", strings.Join(notes, "; "), c.Deployment),
		fmt.Sprintf("container %s of Deployment %s has a readinessProbe (%s); %s", ctr.Name, c.Deployment, probe, strings.Join(notes, "; ")))
}

// services returns the Services to compare endpoints for.
func (c *readinessProbe) services(s *snapshot.Snapshot, ns string, d *appsv1.Deployment) ([]*corev1.Service, *Result) {
	if c.Service != "" {
		svc := s.Service(ns, c.Service)
		if svc == nil {
			r := absent("Service", c.Service, ns)
			return nil, &r
		}
		return []*corev1.Service{svc}, nil
	}
	var out []*corev1.Service
	for _, svc := range s.Services {
		if svc.Namespace == ns && len(svc.Spec.Selector) > 0 && labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
			out = append(out, svc)
		}
	}
	snapshot.SortByName(out)
	if len(out) == 0 {
		r := fail(fmt.Sprintf("no Service in namespace %s sends traffic to the pods of Deployment %s", ns, c.Deployment),
			fmt.Sprintf("no Service in namespace %s selects the pods of Deployment %s (labels %s)", ns, c.Deployment, setString(d.Spec.Template.Labels)))
		return nil, &r
	}
	return out, nil
}

// container picks the serving container.
func (c *readinessProbe) container(d *appsv1.Deployment, svcs []*corev1.Service) (*corev1.Container, *Result) {
	cs := d.Spec.Template.Spec.Containers
	if c.Container != "" {
		for i := range cs {
			if cs[i].Name == c.Container {
				return &cs[i], nil
			}
		}
		r := failf("Deployment %s has no container named %s", c.Deployment, c.Container)
		return nil, &r
	}
	for _, svc := range svcs {
		for _, sp := range svc.Spec.Ports {
			for i := range cs {
				if rpDeclares(&cs[i], sp.TargetPort) {
					return &cs[i], nil
				}
			}
		}
	}
	for i := range cs {
		if len(cs[i].Ports) > 0 {
			return &cs[i], nil
		}
	}
	if len(cs) == 0 {
		r := failf("Deployment %s has no containers", c.Deployment)
		return nil, &r
	}
	return &cs[0], nil
}

// probe describes the container's readinessProbe and checks its port.
func (c *readinessProbe) probe(ctr *corev1.Container) (string, *Result) {
	p := ctr.ReadinessProbe
	if p == nil {
		r := fail(c.unasked(),
			fmt.Sprintf("container %s of Deployment %s has no readinessProbe, so each pod counts as Ready as soon as its containers start, and the Service sends it traffic before the app can answer", ctr.Name, c.Deployment))
		return "", &r
	}
	var port intstr.IntOrString
	var desc string
	switch {
	case p.HTTPGet != nil:
		port = p.HTTPGet.Port
		desc = fmt.Sprintf("httpGet %s on port %s", p.HTTPGet.Path, port.String())
	case p.TCPSocket != nil:
		port = p.TCPSocket.Port
		desc = fmt.Sprintf("tcpSocket on port %s", port.String())
	case p.GRPC != nil:
		port = intstr.FromInt32(p.GRPC.Port)
		desc = fmt.Sprintf("grpc on port %d", p.GRPC.Port)
	default:
		r := fail(c.unasked(),
			fmt.Sprintf("container %s's readinessProbe runs a command and checks no port; probe the port the app serves on (%s) with httpGet or tcpSocket", ctr.Name, rpPorts(ctr)))
		return "", &r
	}
	if !rpDeclares(ctr, port) {
		r := fail(c.unasked(),
			fmt.Sprintf("container %s's readinessProbe (%s) targets port %s, which container %s does not declare (it declares %s); the kubelet would probe a port nothing listens on", ctr.Name, desc, port.String(), ctr.Name, rpPorts(ctr)))
		return "", &r
	}
	if port.Type == intstr.String {
		for _, cp := range ctr.Ports {
			if cp.Name == port.StrVal {
				desc += fmt.Sprintf(" = %d", cp.ContainerPort)
			}
		}
	}
	return desc, nil
}

// compare checks that the Service's EndpointSlices mark every live pod ready
// exactly when the pod is Ready, list every live selected pod, and that at
// least one is ready.
func (c *readinessProbe) compare(s *snapshot.Snapshot, ns string, svc *corev1.Service) (string, *Result) {
	pods := map[string]*corev1.Pod{}
	for _, p := range s.PodsMatching(ns, svc.Spec.Selector) {
		pods[p.Name] = p
	}
	listed := map[string]bool{}
	var mismatch []string
	readyN := 0
	for _, es := range s.SlicesFor(ns, svc.Name) {
		for _, ep := range es.Endpoints {
			if ep.TargetRef == nil || ep.TargetRef.Kind != "Pod" {
				continue
			}
			name := ep.TargetRef.Name
			if listed[name] {
				continue
			}
			listed[name] = true
			ready := ep.Conditions.Ready == nil || *ep.Conditions.Ready
			p := pods[name]
			if p == nil {
				if s.Pod(ns, name) != nil {
					// Terminating: the slice keeps it, not ready, while it drains.
					continue
				}
				mismatch = append(mismatch, fmt.Sprintf("%s is listed but no longer exists", name))
				continue
			}
			if ready != snapshot.PodReady(p) {
				mismatch = append(mismatch, fmt.Sprintf("%s: endpoint ready=%t, pod Ready=%t", name, ready, snapshot.PodReady(p)))
			}
			if ready {
				readyN++
			}
		}
	}
	var missing []string
	for name, p := range pods {
		if !listed[name] && p.Status.PodIP != "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	sort.Strings(mismatch)
	switch {
	case len(mismatch) > 0:
		r := failf("EndpointSlices of Service %s disagree with the pods: %s", svc.Name, strings.Join(mismatch, "; "))
		return "", &r
	case len(missing) > 0:
		r := failf("EndpointSlices of Service %s do not list pods %s yet", svc.Name, strings.Join(missing, ", "))
		return "", &r
	case readyN == 0:
		r := fail(fmt.Sprintf("Service %s has no ready endpoints (%d listed): requests to it get no answer", svc.Name, len(listed)),
			fmt.Sprintf("Service %s has no ready endpoints: no pod passes its readiness probe (%d listed)", svc.Name, len(listed)))
		return "", &r
	}
	return fmt.Sprintf("Service %s lists %d endpoint%s, ready exactly where the pod is Ready (%d ready)", svc.Name, len(listed), w3Plural(len(listed)), readyN), nil
}

// unasked is the symptom of pods whose readiness nobody checks: traffic
// reaches each one as soon as its containers start.
func (c *readinessProbe) unasked() string {
	return fmt.Sprintf("each pod of Deployment %s turns Ready, and gets traffic, the moment its containers start: nothing asks the app whether it answers yet", c.Deployment)
}

// rpDeclares reports whether ctr declares port, by number or by name.
func rpDeclares(ctr *corev1.Container, port intstr.IntOrString) bool {
	for _, cp := range ctr.Ports {
		if (port.Type == intstr.Int && cp.ContainerPort == port.IntVal) || (port.Type == intstr.String && cp.Name == port.StrVal) {
			return true
		}
	}
	return false
}

func rpPorts(ctr *corev1.Container) string {
	if len(ctr.Ports) == 0 {
		return "no ports"
	}
	var out []string
	for _, cp := range ctr.Ports {
		if cp.Name != "" {
			out = append(out, fmt.Sprintf("%s=%d", cp.Name, cp.ContainerPort))
		} else {
			out = append(out, fmt.Sprint(cp.ContainerPort))
		}
	}
	return strings.Join(out, ", ")
}
