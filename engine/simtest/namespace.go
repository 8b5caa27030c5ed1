package simtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
)

// NamespaceDeleteTimeout bounds how long cleanup waits for a namespace to go.
const NamespaceDeleteTimeout = 2 * time.Minute

// Clientset returns an admin clientset for c, failing the test on error.
func Clientset(t testing.TB, c *cluster.Cluster) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatalf("simtest: clientset: %v", err)
	}
	return cs
}

// Namespace creates a namespace with a unique name derived from the test's
// name and deletes it in t.Cleanup, waiting until it is gone.
func Namespace(t testing.TB, c *cluster.Cluster) string {
	t.Helper()
	name := createNamespace(t, Clientset(t, c))
	t.Cleanup(func() { deleteNamespace(t, Clientset(t, c), name) })
	return name
}

// Namespaces creates n namespaces as Namespace does, and deletes them all
// at once in t.Cleanup: the namespace controller takes seconds for each.
func Namespaces(t testing.TB, c *cluster.Cluster, n int) []string {
	t.Helper()
	cs := Clientset(t, c)
	names := make([]string, n)
	for i := range names {
		names[i] = createNamespace(t, cs)
	}
	t.Cleanup(func() {
		var wg sync.WaitGroup
		for _, name := range names {
			wg.Go(func() { deleteNamespace(t, cs, name) })
		}
		wg.Wait()
	})
	return names
}

// createNamespace creates a labelled namespace named after the test.
func createNamespace(t testing.TB, cs *kubernetes.Clientset) string {
	t.Helper()
	name := uniqueName(t.Name())
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:   name,
		Labels: map[string]string{"k8squest.io/test": "true"},
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("simtest: create namespace %s: %v", name, err)
	}
	return name
}

func deleteNamespace(t testing.TB, cs *kubernetes.Clientset, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), NamespaceDeleteTimeout)
	defer cancel()
	if err := kube.DeleteNamespace(ctx, cs, name); err != nil {
		t.Errorf("simtest: %v", err)
	}
}

var nonDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// uniqueName turns a test name into a DNS label with a random suffix.
func uniqueName(testName string) string {
	base := nonDNS.ReplaceAllString(strings.ToLower(testName), "-")
	base = strings.Trim(base, "-")
	if len(base) > 40 {
		base = strings.Trim(base[:40], "-")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	if base == "" {
		base = "test"
	}
	return "t-" + base + "-" + hex.EncodeToString(b)
}
