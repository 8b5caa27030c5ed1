package kindcluster

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// testCA is a CA that signs server certificates for names.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kubernetes"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// serve listens on 127.0.0.1 with a certificate for names, as kind's API
// server does, and returns its port.
func (ca *testCA) serve(t *testing.T, names ...string) int {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "kube-apiserver"}, DNSNames: names,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// An advertised cluster passes; one whose certificate lacks the name, or
// whose API server is not on the advertised port, fails saying how to
// create it again.
func TestAdvertiseServes(t *testing.T) {
	ctx := context.Background()
	ca := newTestCA(t)
	port := ca.serve(t, "localhost", "classroom.localhost")
	if err := (Advertise{Host: "classroom.localhost", Listen: "127.0.0.1", Port: port}).Serves(ctx, ca.pem); err != nil {
		t.Fatalf("an advertised API server: %v", err)
	}
	plain := ca.serve(t, "localhost")
	err := (Advertise{Host: "classroom.localhost", Listen: "127.0.0.1", Port: plain}).Serves(ctx, ca.pem)
	if err == nil || !strings.Contains(err.Error(), "does not serve that name") || !strings.Contains(err.Error(), "k8squest cluster down --provider kind") {
		t.Errorf("a certificate without the name: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	free := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	err = (Advertise{Host: "classroom.localhost", Port: free}).Serves(ctx, ca.pem)
	if err == nil || !strings.Contains(err.Error(), "no API server answers at 127.0.0.1:") || !strings.Contains(err.Error(), "created without --advertise classroom.localhost") {
		t.Errorf("nothing on the port: %v", err)
	}
	if err := (Advertise{Host: "classroom.localhost", Port: port}).Serves(ctx, []byte("no pem")); err == nil || !strings.Contains(err.Error(), "no CA certificate") {
		t.Errorf("a kubeconfig without CA: %v", err)
	}
	if err := (Advertise{Host: "classroom.localhost", Listen: "127.0.0.1", Port: port}).Serves(ctx, newTestCA(t).pem); err == nil {
		t.Error("a certificate of another CA passed")
	}
}
