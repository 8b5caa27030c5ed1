package levels_test

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/k8squest/k8squest/engine/check"
)

func TestLevel21Broken(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	v := r.until(30*time.Second, "the broken state", all(
		is("endpoints", check.Fail, "Service backend-service selects app=backend-app, which matches no pod", "labelled app=backend,tier=api"),
		is("backend-ready", check.Pass),
		is("frontend-ready", check.Pass),
	))
	t.Logf("broken state:\n%s", dump(v))
	if v.Passed {
		t.Fatal("broken state passed")
	}
}

func TestLevel21Fixed(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	r.applySolution()
	v := r.until(30*time.Second, "passing after the fix", passed)
	t.Logf("fixed state:\n%s", dump(v))
	if x := result(v, "endpoints"); !strings.Contains(x.Diagnosis, "list the 2 pods of Deployment backend, all ready") {
		t.Errorf("endpoints message %q does not report the two backend pods", x.Message)
	}
}

// The other label of the backend pods is just as good a selector.
func TestLevel21SelectorTier(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	r.mustPatch("", "Service", "backend-service", types.MergePatchType, `{"spec":{"selector":{"app":null,"tier":"api"}}}`)
	v := r.until(30*time.Second, "passing with selector tier=api", passed)
	t.Logf("fixed with tier=api:\n%s", dump(v))
}

// A selector that also matches a debug copy of the backend sends traffic to it.
func TestLevel21SelectorTooWide(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	r.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend-debug}
spec:
  replicas: 1
  selector: {matchLabels: {app: backend, tier: debug}}
  template:
    metadata: {labels: {app: backend, tier: debug}}
    spec:
      containers: [{name: api, image: nginx:1.27-alpine, ports: [{name: http, containerPort: 80}]}]
`)
	r.mustPatch("", "Service", "backend-service", types.MergePatchType, `{"spec":{"selector":{"app":"backend"}}}`)
	v := r.until(30*time.Second, "failing on the debug pod", is("endpoints", check.Fail, "selects app=backend, which also matches backend-debug-", "not part of Deployment backend"))
	t.Logf("too wide:\n%s", dump(v))
	if v.Passed {
		t.Fatal("a selector matching another Deployment's pods passed")
	}
}

// Relabelling the running pods instead of fixing the selector orphans them:
// the Service reaches pods the Deployment no longer owns.
func TestLevel21RelabelPods(t *testing.T) {
	t.Parallel()
	r := setUp(t, 21)
	pods, err := r.cs.CoreV1().Pods(r.ns).List(t.Context(), metav1.ListOptions{LabelSelector: "app=backend"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if _, err := r.cs.CoreV1().Pods(r.ns).Patch(t.Context(), p.Name, types.MergePatchType, []byte(`{"metadata":{"labels":{"app":"backend-app"}}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	v := r.until(30*time.Second, "failing on orphaned pods", is("endpoints", check.Fail, "selects app=backend-app, which also matches", "not part of Deployment backend"))
	t.Logf("relabelled pods:\n%s", dump(v))
	if v.Passed {
		t.Fatal("relabelled pods passed")
	}
}
