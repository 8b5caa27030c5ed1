//go:build kind

package kindcluster

import (
	"crypto/tls"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	kind "sigs.k8s.io/kind/pkg/cluster"
)

// TestKindAdvertiseCertificate creates a cluster of its own (not the shared
// one) advertised as classroom.localhost (a loopback name, RFC 6761) on
// 127.0.0.1:16443, dials the API server there with TLS, and reads its
// certificate: it names classroom.localhost, which kind alone never adds,
// next to kind's own localhost and 127.0.0.1, on the port asked for. It deletes the cluster at
// the end. (A classroom advertises a name or address of the machine; a
// test never listens beyond 127.0.0.1.)
func TestKindAdvertiseCertificate(t *testing.T) {
	image := os.Getenv(EnvNodeImage)
	if image == "" {
		t.Fatalf("$%s is not set: eval \"$(make -s kind-up)\" first", EnvNodeImage)
	}
	a := Advertise{Host: "classroom.localhost", Listen: "127.0.0.1", Port: 16443}
	raw, err := CreateOptions{ConfigFile: os.Getenv(EnvConfigFile), Advertise: a}.RawConfig()
	if err != nil {
		t.Fatal(err)
	}
	const name = "k8squest-advertise"
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	p := kind.NewProvider(kind.ProviderWithDocker())
	t.Cleanup(func() {
		if err := p.Delete(name, kubeconfig); err != nil {
			t.Errorf("delete kind cluster %s: %v", name, err)
		}
	})
	start := time.Now()
	if err := p.Create(name, kind.CreateWithRawConfig(raw), kind.CreateWithNodeImage(image),
		kind.CreateWithKubeconfigPath(kubeconfig), kind.CreateWithWaitForReady(3*time.Minute),
		kind.CreateWithDisplayUsage(false), kind.CreateWithDisplaySalutation(false)); err != nil {
		t.Fatalf("create kind cluster %s from\n%s\n%v", name, raw, err)
	}
	t.Logf("created in %v", time.Since(start).Round(time.Second))
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
