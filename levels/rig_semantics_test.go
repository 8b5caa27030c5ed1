package levels_test

import (
	"context"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// semPatch applies a JSON merge patch (or a JSON patch when json is true) to
// a Service, Deployment, Ingress or NetworkPolicy in the rig's namespace;
// subresource "status" patches the status.
func (r *rig) semPatch(kind, name, body string, json bool, subresource ...string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pt := types.MergePatchType
	if json {
		pt = types.JSONPatchType
	}
	b, opts := []byte(body), metav1.PatchOptions{}
	var err error
	switch kind {
	case "Service":
		_, err = r.cs.CoreV1().Services(r.ns).Patch(ctx, name, pt, b, opts, subresource...)
	case "Deployment":
		_, err = r.cs.AppsV1().Deployments(r.ns).Patch(ctx, name, pt, b, opts, subresource...)
	case "Ingress":
		_, err = r.cs.NetworkingV1().Ingresses(r.ns).Patch(ctx, name, pt, b, opts, subresource...)
	case "NetworkPolicy":
		_, err = r.cs.NetworkingV1().NetworkPolicies(r.ns).Patch(ctx, name, pt, b, opts, subresource...)
	default:
		r.t.Fatalf("semPatch: unsupported kind %s", kind)
	}
	if err != nil {
		r.t.Fatalf("patch %s %s: %v", kind, name, err)
	}
}

// semDelete deletes a NetworkPolicy or Ingress of the rig's namespace.
func (r *rig) semDelete(kind, name string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	switch kind {
	case "NetworkPolicy":
		err = r.cs.NetworkingV1().NetworkPolicies(r.ns).Delete(ctx, name, metav1.DeleteOptions{})
	case "Ingress":
		err = r.cs.NetworkingV1().Ingresses(r.ns).Delete(ctx, name, metav1.DeleteOptions{})
	default:
		r.t.Fatalf("semDelete: unsupported kind %s", kind)
	}
	if err != nil {
		r.t.Fatalf("delete %s %s: %v", kind, name, err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// nodePortOf returns the node port of a Service's first port, 0 if none.
func (r *rig) nodePortOf(name string) int32 {
	r.t.Helper()
	svc, err := r.cs.CoreV1().Services(r.ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	if len(svc.Spec.Ports) == 0 {
		return 0
	}
	return svc.Spec.Ports[0].NodePort
}
