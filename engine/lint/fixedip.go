package lint

import (
	"context"
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// fixedClusterIPRule reports a fixed spec.clusterIP on a Service that a
// StatefulSet relies on: the one its serviceName names, or one selecting its
// pods (KQ007). A ClusterIP is unique cluster-wide and immutable, so a fixed
// one collides in a second namespace or cluster and blocks recreating the
// Service as headless.
func fixedClusterIPRule(_ context.Context, set *objectSet) []Finding {
	var fs []Finding
	for _, o := range set.services() {
		ip := o.obj.(*corev1.Service).Spec.ClusterIP
		if ip == "" || ip == corev1.ClusterIPNone {
			continue
		}
		if users := statefulSetsRelyingOn(set, o); len(users) > 0 {
			fs = append(fs, finding(RuleFixedClusterIP, o.at("spec.clusterIP"), "Service %s fixes clusterIP %s, and %s %s on it; a ClusterIP is unique across the cluster and cannot be changed later, so drop the field (or use None for the Service a StatefulSet names)",
				o.loc.Name, ip, joinAnd(users), plural(len(users), "relies", "rely")))
		}
	}
	return fs
}

// statefulSetsRelyingOn names the StatefulSets that name svc or whose pods it selects.
func statefulSetsRelyingOn(set *objectSet, o *object) []string {
	svc := o.obj.(*corev1.Service)
	var out []string
	for _, x := range set.objects {
		sts, ok := x.obj.(*appsv1.StatefulSet)
		if !ok || x.loc.Namespace != o.loc.Namespace {
			continue
		}
		named := sts.Spec.ServiceName == o.loc.Name
		selects := len(svc.Spec.Selector) > 0 && labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(sts.Spec.Template.Labels))
		if named || selects {
			out = append(out, fmt.Sprintf("StatefulSet %s (%s document %d)", x.loc.Name, x.loc.File, x.loc.Document))
		}
	}
	return out
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	s := ""
	for i, it := range items[:len(items)-1] {
		if i > 0 {
			s += ", "
		}
		s += it
	}
	return s + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sortStrings(s []string) { sort.Strings(s) }
