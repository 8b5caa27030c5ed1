package check

import (
	"context"
	"fmt"
	"strings"

	utilptr "k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("workloadReady", newReady) }

// ready passes when every replica of a Deployment or StatefulSet is Ready and
// the rollout has finished.
type ready struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Namespace is a namespace role from the level spec; empty is the main one.
	Namespace string `json:"namespace"`
}

var _ Check = (*ready)(nil)

func newReady(params []byte) (Check, error) {
	c := &ready{}
	return c, decode(params, c)
}

func (c *ready) validate() error {
	if c.Kind != "Deployment" && c.Kind != "StatefulSet" {
		return fmt.Errorf("kind must be Deployment or StatefulSet, not %q", c.Kind)
	}
	return required("name", c.Name)
}

// Run implements Check.
func (c *ready) Run(_ context.Context, env *Env) Result {
	ns := env.Resolve(c.Namespace)
	want, readyN, updated, total, gen, observed, sel, ok := c.status(env.Snap, ns)
	if !ok {
		return absent(c.Kind, c.Name, ns)
	}
	pods := env.Snap.PodsMatching(ns, sel)
	var notReady []string
	for _, p := range pods {
		if !snapshot.PodReady(p) {
			notReady = append(notReady, WaitOf(p).Text)
		}
	}
	switch {
	case observed < gen:
		return failf("%s %s: the controller has not yet seen the latest change", c.Kind, c.Name)
	case readyN < want || updated < want:
		msg := fmt.Sprintf("%s %s: %d of %d replicas ready, %d updated", c.Kind, c.Name, readyN, want, updated)
		if len(notReady) > 0 {
			msg += "; not ready: " + strings.Join(notReady, ", ")
		}
		if d := env.Snap.Deployment(ns, c.Name); c.Kind == "Deployment" && d != nil {
			msg += replicaFailure(d)
		}
		return failf("%s", msg)
	case total > want || readyN > want:
		return failf("%s %s: rollout still in progress: %d pods exist and %d are ready for %d replicas (old ones are still going away)", c.Kind, c.Name, max(total, readyN), readyN, want)
	}
	done := fmt.Sprintf("%s %s: %d of %d replicas ready", c.Kind, c.Name, readyN, want)
	return pass(done, done)
}

func (c *ready) status(s *snapshot.Snapshot, ns string) (want, readyN, updated, total int32, gen, observed int64, sel map[string]string, ok bool) {
	if c.Kind == "StatefulSet" {
		o := s.StatefulSet(ns, c.Name)
		if o == nil {
			return
		}
		st := o.Status
		return replicas(o.Spec.Replicas), st.ReadyReplicas, st.UpdatedReplicas, st.Replicas, o.Generation, st.ObservedGeneration, o.Spec.Template.Labels, true
	}
	o := s.Deployment(ns, c.Name)
	if o == nil {
		return
	}
	st := o.Status
	return replicas(o.Spec.Replicas), st.ReadyReplicas, st.UpdatedReplicas, st.Replicas, o.Generation, st.ObservedGeneration, o.Spec.Template.Labels, true
}

// replicas is a workload's wanted replicas; the API defaults nil to 1.
func replicas(p *int32) int32 { return utilptr.Deref(p, 1) }

// Resolve maps a namespace role from the level spec to a namespace name; the
// empty role is the level's main namespace.
func (e *Env) Resolve(role string) string {
	if role == "" {
		return e.Namespace
	}
	if ns, ok := e.Namespaces[role]; ok {
		return ns
	}
	return role
}
