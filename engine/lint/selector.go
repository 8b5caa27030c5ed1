package lint

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// serviceSelectorRule reports a Service whose selector matches the pod
// template labels of no workload in its namespace (KQ004). Services without
// a selector (ExternalName, hand-made endpoints) are left alone.
func serviceSelectorRule(_ context.Context, set *objectSet) []Finding {
	var fs []Finding
	for _, o := range set.services() {
		svc := o.obj.(*corev1.Service)
		if len(svc.Spec.Selector) == 0 || svc.Spec.Type == corev1.ServiceTypeExternalName {
			continue
		}
		if len(set.selected(o)) > 0 {
			continue
		}
		fs = append(fs, finding(RuleSelectsNothing, o.at("spec.selector"), "Service %s selects %s, but no workload's pod template in namespace %s has those labels%s; the Service would have no endpoints",
			o.loc.Name, labelString(svc.Spec.Selector), o.loc.Namespace, nearMiss(set, o)))
	}
	return fs
}

// nearMiss names the workloads with a label whose value contains, or is
// contained in, the selector's value for the same key (app=mongo against
// app=mongodb), to point at the likely typo.
func nearMiss(set *objectSet, o *object) string {
	sel := o.obj.(*corev1.Service).Spec.Selector
	var near []string
	for _, w := range set.workloads() {
		if w.loc.Namespace != o.loc.Namespace {
			continue
		}
		for k, v := range sel {
			if lv, ok := w.labels[k]; ok && (strings.Contains(lv, v) || strings.Contains(v, lv)) {
				near = append(near, fmt.Sprintf("%s %s is labelled %s", w.loc.Kind, w.loc.Name, labelString(w.labels)))
				break
			}
		}
	}
	if len(near) == 0 {
		return ""
	}
	return " (" + strings.Join(near, "; ") + ")"
}

// labelString prints labels as sorted k=v pairs.
func labelString(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
