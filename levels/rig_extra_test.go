package levels_test

import (
	"context"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// patch applies a patch of type pt to a Service or Deployment of namespace ns
// ("" is the rig's) and returns the API server's error, if any.
func (r *rig) patch(ns, kind, name string, pt types.PatchType, body string) error {
	r.t.Helper()
	if ns == "" {
		ns = r.ns
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	switch kind {
	case "Service":
		_, err = r.cs.CoreV1().Services(ns).Patch(ctx, name, pt, []byte(body), metav1.PatchOptions{})
	case "Deployment":
		_, err = r.cs.AppsV1().Deployments(ns).Patch(ctx, name, pt, []byte(body), metav1.PatchOptions{})
	default:
		r.t.Fatalf("patch: unsupported kind %s", kind)
	}
	return err
}

// mustPatch is patch that fails the test on error.
func (r *rig) mustPatch(ns, kind, name string, pt types.PatchType, body string) {
	r.t.Helper()
	if err := r.patch(ns, kind, name, pt, body); err != nil {
		r.t.Fatalf("patch %s %s: %v", kind, name, err)
	}
}

// service returns Service name of namespace ns ("" is the rig's).
func (r *rig) service(ns, name string) *corev1.Service {
	r.t.Helper()
	if ns == "" {
		ns = r.ns
	}
	svc, err := r.cs.CoreV1().Services(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	return svc
}

// inventory lists "Kind/name" of the Services and Deployments in ns, sorted.
func (r *rig) inventory(ns string) []string {
	r.t.Helper()
	ctx := context.Background()
	svcs, err := r.cs.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	deps, err := r.cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, s := range svcs.Items {
		out = append(out, "Service/"+s.Name)
	}
	for _, d := range deps.Items {
		out = append(out, "Deployment/"+d.Name)
	}
	sort.Strings(out)
	return out
}

// envValue returns the value of env var name in the first container of
// Deployment name's template in namespace ns ("" is the rig's).
func (r *rig) envValue(ns, deployment, name string) string {
	r.t.Helper()
	if ns == "" {
		ns = r.ns
	}
	d, err := r.cs.AppsV1().Deployments(ns).Get(context.Background(), deployment, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}
