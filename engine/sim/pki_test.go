package sim

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"testing"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM", path)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGeneratePKI(t *testing.T) {
	k := pki{t.TempDir()}
	if err := generatePKI(k); err != nil {
		t.Fatal(err)
	}
	ca := readCert(t, k.caCert())
	srv := readCert(t, k.serverCert())
	if !ca.IsCA {
		t.Error("CA certificate is not a CA")
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, name := range []string{"127.0.0.1", "localhost", "kubernetes.default.svc.cluster.local"} {
		if _, err := srv.Verify(x509.VerifyOptions{Roots: pool, DNSName: name}); err != nil {
			t.Errorf("serving cert does not verify for %s: %v", name, err)
		}
	}
	if !srv.IPAddresses[0].Equal(net.ParseIP("127.0.0.1")) {
		t.Errorf("first IP SAN = %v", srv.IPAddresses)
	}
	data, err := os.ReadFile(k.saKey())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	key, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		t.Fatalf("service-account key: %v", err)
	}
	pubData, _ := os.ReadFile(k.saPub())
	pb, _ := pem.Decode(pubData)
	pub, err := x509.ParsePKIXPublicKey(pb.Bytes)
	if err != nil {
		t.Fatalf("service-account public key: %v", err)
	}
	if !key.PublicKey.Equal(pub.(*rsa.PublicKey)) {
		t.Error("service-account public key does not match the private key")
	}
	if fi, _ := os.Stat(k.serverKey()); fi.Mode().Perm() != 0o600 {
		t.Errorf("serving key mode %v, want 0600", fi.Mode().Perm())
	}
}
