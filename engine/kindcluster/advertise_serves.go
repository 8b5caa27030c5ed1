package kindcluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Serves checks what a learner's kubectl will meet at a's address: the
// API server answering on a's port with a certificate for a's host, signed
// by the cluster's CA (caPEM). A cluster created without this Advertise
// has its API server on another port, or a certificate without the name;
// the error says so and how to create the cluster again.
func (a Advertise) Serves(ctx context.Context, caPEM []byte) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return fmt.Errorf("check --advertise %s: the cluster's kubeconfig holds no CA certificate", a.Host)
	}
	addr := net.JoinHostPort(a.dialHost(), strconv.Itoa(a.port()))
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second}, Config: &tls.Config{RootCAs: pool, ServerName: a.Host, MinVersion: tls.VersionTLS12}}
	conn, err := d.DialContext(ctx, "tcp", addr)
	recreate := fmt.Sprintf("the kind cluster was created without --advertise %s, which applies when the cluster is created: delete it (k8squest cluster down --provider kind) and serve again", a.Host)
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &verify):
		return fmt.Errorf("check --advertise %s: the API server's certificate at %s does not serve that name (%w); %s", a.Host, addr, verify.Err, recreate)
	case err != nil:
		return fmt.Errorf("check --advertise %s: no API server answers at %s (%w); %s", a.Host, addr, err, recreate)
	}
	return conn.Close()
}

// dialHost is where this machine reaches the published port: the listen
// address, or loopback when it is published on every address.
func (a Advertise) dialHost() string {
	switch l := a.listen(); l {
	case "0.0.0.0":
		return "127.0.0.1"
	case "::":
		return "::1"
	default:
		return l
	}
}
