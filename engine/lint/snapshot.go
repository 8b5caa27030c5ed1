package lint

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// snapshot builds what the game's checks read from the decoded objects:
// Services, StatefulSets and Deployments, with their namespaces filled in.
// Nothing that is not in the input is made up: no pods, no EndpointSlices.
func (s *objectSet) snapshot() *snapshot.Snapshot {
	snap := &snapshot.Snapshot{}
	seen := map[string]bool{}
	for _, o := range s.objects {
		switch x := o.obj.(type) {
		case *corev1.Service:
			c := x.DeepCopy()
			c.Namespace = o.loc.Namespace
			snap.Services = append(snap.Services, c)
		case *appsv1.StatefulSet:
			c := x.DeepCopy()
			c.Namespace = o.loc.Namespace
			snap.StatefulSets = append(snap.StatefulSets, c)
		case *appsv1.Deployment:
			c := x.DeepCopy()
			c.Namespace = o.loc.Namespace
			snap.Deployments = append(snap.Deployments, c)
		default:
			continue
		}
		if !seen[o.loc.Namespace] {
			seen[o.loc.Namespace] = true
			snap.Namespaces = append(snap.Namespaces, o.loc.Namespace)
		}
	}
	return snap
}
