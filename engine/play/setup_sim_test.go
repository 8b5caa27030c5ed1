package play

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
)

// TestSetupWaitsOutATerminatingNamespace: a namespace still being deleted
// (here held by a finalizer) refuses new objects; Setup says it waits for
// it, and once it is gone creates it again and applies the level.
func TestSetupWaitsOutATerminatingNamespace(t *testing.T) {
	c := simtest.Cluster(t)
	ns := simtest.Namespace(t, c)
	cs := simtest.Clientset(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	release := simtest.Hold(t, cs, ns)
	if err := cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	objs, err := kube.Decode([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: level-object, namespace: " + ns + "}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(c, Spec{Level: 98, Namespace: ns, Objects: objs}, dns.Direct(c.DNSAddr))
	if err != nil {
		t.Fatal(err)
	}
	cleanPlayer(t, s)
	waiting := make(chan struct{})
	rep := cluster.Reporter(func(e cluster.Event) {
		if e.State == cluster.StepStarted && strings.HasPrefix(e.Step, "wait for namespace "+ns+" to finish deleting") {
			close(waiting)
		}
	})
	done := make(chan error, 1)
	go func() { done <- s.Setup(ctx, rep) }()
	select {
	case <-waiting:
	case err := <-done:
		t.Fatalf("Setup ended before the namespace was gone: %v", err)
	case <-ctx.Done():
		t.Fatal("Setup never said it waits for the terminating namespace")
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("Setup after the namespace went: %v", err)
	}
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "level-object", metav1.GetOptions{}); err != nil {
		t.Errorf("the level's object after Setup: %v", err)
	}
	if st, err := kube.StateOfNamespace(ctx, cs, ns); err != nil || st != kube.NamespaceActive {
		t.Errorf("namespace %s after Setup: %s, %v", ns, st, err)
	}
}
