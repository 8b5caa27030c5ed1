package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/miekg/dns"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// simNode is the kwok node every pod is scheduled to.
func simNode() *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        NodeName,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"type":                   "kwok",
				"kubernetes.io/hostname": NodeName,
				"kubernetes.io/os":       "linux",
				"kubernetes.io/arch":     "amd64",
				"kubernetes.io/role":     "agent",
			},
		},
		Status: corev1.NodeStatus{
			Allocatable: nodeResources(),
			Capacity:    nodeResources(),
		},
	}
}

func nodeResources() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    mustQuantity("32"),
		corev1.ResourceMemory: mustQuantity("256Gi"),
		corev1.ResourcePods:   *resource.NewQuantity(NodePods, resource.DecimalSI),
	}
}

func (r *runner) createNode(ctx context.Context) error {
	_, err := r.cs.CoreV1().Nodes().Create(ctx, simNode(), metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return EnsureNodePods(ctx, r.cs, NodePods)
	}
	if err != nil {
		return fmt.Errorf("create node: %w", err)
	}
	return nil
}

func (r *runner) waitNode(ctx context.Context) error {
	return r.poll(ctx, "node "+NodeName+" to be Ready", func(ctx context.Context) bool {
		n, err := r.cs.CoreV1().Nodes().Get(ctx, NodeName, metav1.GetOptions{})
		return err == nil && nodeReady(n)
	})
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func (r *runner) waitServiceAccount(ctx context.Context) error {
	return r.poll(ctx, "the default service account", func(ctx context.Context) bool {
		_, err := r.cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err == nil
	})
}

func (r *runner) waitDNS(ctx context.Context) error {
	svc, err := r.cs.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("get service kubernetes: %w", err)
	}
	addr := loopback(r.st.Ports.DNS)
	return r.poll(ctx, "CoreDNS on "+addr, func(ctx context.Context) bool {
		ip, err := LookupA(ctx, addr, "kubernetes.default.svc.cluster.local")
		return err == nil && ip == svc.Spec.ClusterIP
	})
}

// LookupA asks the DNS server at addr for name's A record and returns the
// first address. It is a small helper for readiness checks and tests.
func LookupA(ctx context.Context, addr, name string) (string, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	c := &dns.Client{Timeout: time.Second}
	in, _, err := c.ExchangeContext(ctx, m, addr)
	if err != nil {
		return "", fmt.Errorf("query %s at %s: %w", name, addr, err)
	}
	if in.Rcode != dns.RcodeSuccess {
		return "", fmt.Errorf("query %s at %s: %s", name, addr, dns.RcodeToString[in.Rcode])
	}
	for _, rr := range in.Answer {
		if a, ok := rr.(*dns.A); ok {
			return a.A.String(), nil
		}
	}
	return "", fmt.Errorf("query %s at %s: no A record", name, addr)
}
