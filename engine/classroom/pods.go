package classroom

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// CountPods counts the pods a level's objects make: the replicas of
// Deployments, ReplicaSets, StatefulSets and ReplicationControllers (1 when
// unset), a Job's parallelism (1 when unset), one for a CronJob's run, and
// bare Pods. A DaemonSet is refused: its pods depend on the nodes.
func CountPods(objs []*unstructured.Unstructured) (int, error) {
	n := 0
	for _, o := range objs {
		c, err := podsOf(o)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// podsOf counts one object's pods.
func podsOf(o *unstructured.Unstructured) (int, error) {
	field := ""
	switch o.GetKind() {
	case "Pod", "CronJob":
		return 1, nil
	case "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController":
		field = "replicas"
	case "Job":
		field = "parallelism"
	case "DaemonSet":
		return 0, fmt.Errorf("count pods: DaemonSet %s makes one pod per node; a level cannot be sized with it", o.GetName())
	default:
		return 0, nil
	}
	raw, found, _ := unstructured.NestedFieldNoCopy(o.Object, "spec", field)
	if !found || raw == nil {
		return 1, nil
	}
	v, ok := whole(raw)
	if !ok || v < 0 {
		return 0, fmt.Errorf("count pods: %s %s: field spec.%s is %v, want a whole number of pods", o.GetKind(), o.GetName(), field, raw)
	}
	return v, nil
}

// whole reads a JSON or YAML number that holds a whole number.
func whole(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	default:
		return 0, false
	}
}
