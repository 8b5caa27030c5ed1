//go:build kind

package kindcluster

import (
	"context"
	"crypto/tls"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// TestKindAdvertiseCertificate creates a cluster of its own (not the shared
// one) advertised as classroom.localhost (a loopback name, RFC 6761) on
// 127.0.0.1:16443, dials the API server there with TLS, and reads its
// certificate: it names classroom.localhost, which kind alone never adds,
// next to kind's own localhost and 127.0.0.1, on the port asked for. It deletes the cluster at
// the end. (A classroom advertises a name or address of the machine; a
// test never listens beyond 127.0.0.1.)
func TestKindAdvertiseCertificate(t *testing.T) {
	a := Advertise{Host: "classroom.localhost", Listen: "127.0.0.1", Port: 16443}
	kubeconfig := ownCluster(t, "k8squest-advertise", CreateOptions{Advertise: a})
	d := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", "127.0.0.1:16443", &tls.Config{InsecureSkipVerify: true}) // the test reads the certificate itself
	if err != nil {
		t.Fatalf("dial the advertised API server: %v", err)
	}
	defer conn.Close()
	cert := conn.ConnectionState().PeerCertificates[0]
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	t.Logf("certificate names %q, addresses %q", cert.DNSNames, ips)
	if !slices.Contains(cert.DNSNames, a.Host) || !slices.Contains(cert.DNSNames, "localhost") || !slices.Contains(ips, "127.0.0.1") {
		t.Fatalf("certificate names %q, addresses %q: want %s, localhost and 127.0.0.1", cert.DNSNames, ips, a.Host)
	}
	if err := cert.VerifyHostname(a.Host); err != nil {
		t.Fatalf("certificate does not serve %s: %v", a.Host, err)
	}

	// What serve checks before it lets learners in: the cluster serves the
	// advertised name, and not one it was not created for.
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Serves(context.Background(), cfg.CAData); err != nil {
		t.Fatalf("Serves on the advertised cluster: %v", err)
	}
	other := a
	other.Host = "elsewhere.localhost"
	if err := other.Serves(context.Background(), cfg.CAData); err == nil || !strings.Contains(err.Error(), "does not serve that name") {
		t.Fatalf("Serves for a name the cluster was not created with: %v", err)
	}
}
