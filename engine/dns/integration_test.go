package dns_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/simtest"
)

// simCluster returns the shared sim cluster, which must serve DNS directly.
func simCluster(t *testing.T) *cluster.Cluster {
	t.Helper()
	c := simtest.Cluster(t)
	if c.DNSAddr == "" {
		t.Fatalf("sim cluster has no DNSAddr; its CoreDNS should answer on the host")
	}
	return c
}

// kubernetesIP reads the kubernetes Service's ClusterIP through the API.
func kubernetesIP(t *testing.T, c *cluster.Cluster) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	svc, err := simtest.Clientset(t, c).CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get service default/kubernetes: %v", err)
	}
	return svc.Spec.ClusterIP
}

func TestSimDirectKubernetesService(t *testing.T) {
	c := simCluster(t)
	want := kubernetesIP(t, c)
	a, err := dns.Direct(c.DNSAddr).Query(context.Background(), "kubernetes.default.svc."+c.Domain, dns.A)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rcode != "NOERROR" || len(a.Records) != 1 || a.Records[0].Value != want {
		t.Fatalf("answer %+v, want one A record %s", a, want)
	}
}

func TestSimResolveSearchPath(t *testing.T) {
	c := simCluster(t)
	r, err := dns.ForCluster(c, dns.PortForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	asked, a, err := dns.Resolve(context.Background(), r, "kubernetes.default", "default", c.Domain, dns.A)
	if err != nil {
		t.Fatal(err)
	}
	if asked != "kubernetes.default.svc."+c.Domain || a.Records[0].Value != kubernetesIP(t, c) {
		t.Fatalf("answered by %q with %+v", asked, a.Records)
	}
}

func TestSimResolveNowhere(t *testing.T) {
	c := simCluster(t)
	_, _, err := dns.Resolve(context.Background(), dns.Direct(c.DNSAddr), "no-such-service", "default", c.Domain, dns.A)
	var nf *dns.NotFoundError
	if !errors.As(err, &nf) || len(nf.Tried) != 4 {
		t.Fatalf("err = %v, want a NotFoundError naming 4 names", err)
	}
}

func TestSimPTRForKubernetesService(t *testing.T) {
	c := simCluster(t)
	ip := kubernetesIP(t, c)
	_, a, err := dns.Resolve(context.Background(), dns.Direct(c.DNSAddr), ip, "default", c.Domain, dns.PTR)
	if err != nil {
		t.Fatal(err)
	}
	if a.Records[0].Value != "kubernetes.default.svc."+c.Domain+"." {
		t.Fatalf("PTR %s = %+v", ip, a.Records)
	}
}

func TestSimPortForwardWithoutDNSPod(t *testing.T) {
	t.Parallel()
	c := simCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	r, err := dns.PortForward(ctx, c.REST, dns.PortForwardOptions{})
	if err == nil {
		r.Close()
		t.Fatal("PortForward found a DNS pod on the sim cluster, which has none")
	}
	if !errors.Is(err, dns.ErrNoDNSPod) {
		t.Fatalf("err = %v, want ErrNoDNSPod", err)
	}
	for _, want := range []string{"kube-system", "k8s-app=kube-dns"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not name %s", err, want)
		}
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("took %v to find no pod", d)
	}
}
