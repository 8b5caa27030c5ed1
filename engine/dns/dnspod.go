package dns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// DNSNamespace is where cluster DNS pods run on kind, kubeadm and k3s.
const DNSNamespace = "kube-system"

// DNSPodSelectors are the label selectors tried, in order, to find a cluster
// DNS pod: kubeadm/kind and k3s label CoreDNS k8s-app=kube-dns; some charts
// use the app.kubernetes.io name or k8s-app=coredns.
var DNSPodSelectors = []string{
	"k8s-app=kube-dns",
	"app.kubernetes.io/name=coredns",
	"k8s-app=coredns",
}

// ErrNoDNSPod says that no running, ready cluster DNS pod was found.
var ErrNoDNSPod = errors.New("no running, ready cluster DNS pod")

// findDNSPod returns the name of a Running, Ready pod matching one of selectors.
func findDNSPod(ctx context.Context, cs kubernetes.Interface, ns string, selectors []string) (string, error) {
	for _, sel := range selectors {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return "", fmt.Errorf("list DNS pods in %s (%s): %w", ns, sel, err)
		}
		for i := range pods.Items {
			if podReady(&pods.Items[i]) {
				return pods.Items[i].Name, nil
			}
		}
	}
	return "", fmt.Errorf("%w in namespace %s (looked for labels %s)",
		ErrNoDNSPod, ns, strings.Join(selectors, ", "))
}

func podReady(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
