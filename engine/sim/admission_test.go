package sim_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// TestSimDeniesExternalIPs starts a private sim cluster and checks that its
// API server refuses Services with externalIPs from anyone, admin included
// (CVE-2020-8554), and admits the same Service without them.
func TestSimDeniesExternalIPs(t *testing.T) {
	p, _ := isolated(t)
	c := up(t, p)
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "trap"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}, ExternalIPs: []string{"203.0.113.7"}},
	}
	dry := metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}
	_, err = cs.CoreV1().Services("default").Create(ctx, svc, dry)
	if err == nil || !strings.Contains(err.Error(), "external IPs is denied by admission control") {
		t.Fatalf("a Service with externalIPs: %v", err)
	}
	svc.Spec.ExternalIPs = nil
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc, dry); err != nil {
		t.Fatalf("the same Service without externalIPs: %v", err)
	}
}
