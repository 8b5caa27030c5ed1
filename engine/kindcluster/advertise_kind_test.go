//go:build kind

package kindcluster

import (
	"crypto/tls"
	"net"
	"slices"
	"testing"
	"time"
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
	ownCluster(t, "k8squest-advertise", CreateOptions{Advertise: a})
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
}
