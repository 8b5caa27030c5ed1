package simtest

import (
	"context"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// holdFinalizer is the finalizer Hold puts on its ConfigMap; no controller
// removes it.
const holdFinalizer = "k8squest.dev/test-hold"

// Hold puts a ConfigMap carrying a finalizer in namespace ns, so that
// deleting it, or the namespace, waits until it is released. The returned
// release may be called at any time, more than once; it also runs at
// cleanup, before the namespace's own deletion, so nothing is left behind.
func Hold(t testing.TB, cs kubernetes.Interface, ns string) (release func()) {
	t.Helper()
	ctx := context.Background()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "hold", Namespace: ns, Finalizers: []string{holdFinalizer}}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("simtest: hold namespace %s: %v", ns, err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			patch := []byte(`{"metadata":{"finalizers":null}}`)
			if _, err := cs.CoreV1().ConfigMaps(ns).Patch(ctx, cm.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
				t.Errorf("simtest: release namespace %s: %v", ns, err)
			}
		})
	}
	t.Cleanup(release)
	return release
}
