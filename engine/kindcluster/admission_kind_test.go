//go:build kind

package kindcluster

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// admissionTestCluster is the kind cluster TestKindAdmissionPlugins makes
// beside the game's own, in the same container runtime.
const admissionTestCluster = "k8squest-admission-test"

// TestKindAdmissionPlugins creates a kind cluster of its own with the create
// options the provider gives kind ($K8SQUEST_KIND_IMAGE and
// $K8SQUEST_KIND_CONFIG, as `make kind-up` prints them, so the harness's
// kubelet patch is merged with the game's admission patch), and checks, as
// the cluster admin, that the API server runs with DenyServiceExternalIPs
// and NodeRestriction and refuses a Service with externalIPs for the
// plugin's reason. The cluster is deleted afterwards.
func TestKindAdmissionPlugins(t *testing.T) {
	kubeconfig := ownCluster(t, admissionTestCluster, CreateOptions{})
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	flag := "--" + admissionFlag + "=" + strings.Join(AdmissionPlugins, ",")
	apiserver := "kube-apiserver-" + admissionTestCluster + "-control-plane"
	var command []string
	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		pod, err := cs.CoreV1().Pods("kube-system").Get(ctx, apiserver, metav1.GetOptions{})
		if err != nil || len(pod.Spec.Containers) == 0 {
			return false, nil //nolint:nilerr // the mirror pod appears a moment after the API server answers
		}
		command = pod.Spec.Containers[0].Command
		return true, nil
	})
	if err != nil {
		t.Fatalf("no mirror pod kube-system/%s: %v", apiserver, err)
	}
	if !slices.Contains(command, flag) {
		t.Fatalf("the API server runs without %s: %q", flag, command)
	}
	t.Logf("the API server runs with %s", flag)

	svc := func(name string, ips ...string) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{
			Ports:       []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(80)}},
			ExternalIPs: ips,
		}}
	}
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc("plain"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("as the admin, a plain Service was refused: %v", err)
	}
	_, err = cs.CoreV1().Services("default").Create(ctx, svc("trap", "203.0.113.7"), metav1.CreateOptions{})
	const reason = `services "trap" is forbidden: Use of external IPs is denied by admission control`
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), reason) {
		t.Fatalf("as the admin, a Service with externalIPs: %v, want Forbidden: %q", err, reason)
	}
	t.Logf("as the admin, a Service with externalIPs: %v", err)
}
