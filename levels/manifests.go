package levels

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/play"
)

// manifestDoc is one manifest file of a level, before its namespace is known.
type manifestDoc struct {
	file string
	text string
}

// clusterScoped lists the kinds that take no namespace.
var clusterScoped = map[string]bool{
	"ClusterRole": true, "ClusterRoleBinding": true, "PersistentVolume": true,
	"StorageClass": true, "IngressClass": true, "PriorityClass": true,
	"CustomResourceDefinition": true, "Node": true,
}

// render substitutes the namespace and the node port into the manifests,
// decodes them and fills in the namespace of namespaced objects that name
// none.
func render(docs []manifestDoc, ns string, nss map[string]string, nodePort int32) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, d := range docs {
		text := strings.ReplaceAll(d.text, NamespaceVar, ns)
		text = strings.ReplaceAll(text, NodePortVar, fmt.Sprint(nodePort))
		objs, err := kube.Decode([]byte(text))
		if err != nil {
			return nil, &Error{File: d.file, Err: err}
		}
		for _, o := range objs {
			if o.GetKind() == "Namespace" {
				return nil, &Error{File: d.file, Field: "kind", Err: fmt.Errorf("Namespace %s: levels declare namespaces in level.yaml (namespace, extraNamespaces), not in manifests", o.GetName())} //nolint:staticcheck // ST1005: Namespace is the kind, spelt as the API spells it
			}
			if clusterScoped[o.GetKind()] {
				continue
			}
			if o.GetNamespace() == "" {
				o.SetNamespace(ns)
			}
			if !known(nss, o.GetNamespace()) {
				return nil, &Error{File: d.file, Field: "metadata.namespace", Err: fmt.Errorf("%s: namespace %q is not one of the level's namespaces; use %s or declare it in extraNamespaces", kube.Describe(o), o.GetNamespace(), NamespaceVar)}
			}
			out = append(out, o)
		}
	}
	return out, nil
}

func known(nss map[string]string, ns string) bool {
	for _, n := range nss {
		if n == ns {
			return true
		}
	}
	return false
}

// namespaceMap returns every namespace of the level for main namespace ns,
// keyed by role ("" is the main one).
func (l *Level) namespaceMap(ns string) map[string]string {
	m := map[string]string{"": ns}
	for role, suffix := range l.ExtraNamespaces {
		m[role] = ns + suffix
	}
	return m
}

// Spec binds the level to namespace ns (empty: the level's default).
func (l *Level) Spec(ns string) (play.Spec, error) {
	if ns == "" {
		ns = l.Namespace
	}
	if err := ValidNamespace(ns); err != nil {
		return play.Spec{}, fmt.Errorf("--namespace: %w", err)
	}
	nss := l.namespaceMap(ns)
	objs, err := render(l.broken, ns, nss, l.NodePort)
	if err != nil {
		return play.Spec{}, err
	}
	s := play.Spec{Level: l.ID, Namespace: ns, Namespaces: nss, Objects: objs, PlayerRules: l.PlayerAccess, Protections: l.Protections}
	for _, c := range l.Checks {
		s.Checks = append(s.Checks, play.Item{ID: c.ID, Title: c.Title, Check: c.Check})
	}
	if l.Drill != nil {
		s.Drill = &play.DrillItem{Title: l.Drill.Title, Drill: l.Drill.Drill}
	}
	return s, nil
}

// SolutionObjects returns the solution manifests bound to namespace ns.
func (l *Level) SolutionObjects(ns string) ([]*unstructured.Unstructured, error) {
	if ns == "" {
		ns = l.Namespace
	}
	return render(l.solution, ns, l.namespaceMap(ns), l.NodePort)
}
