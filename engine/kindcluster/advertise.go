package kindcluster

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// DefaultAdvertisePort is the API server's port on the host when a cluster
// is advertised and CreateOptions names no port: fixed, so that the address
// learners are given stays the same when the cluster is created again.
const DefaultAdvertisePort = 6443

// Advertise makes a new cluster's API server reachable from other machines
// at Host (`classroom serve --advertise HOST`).
type Advertise struct {
	// Host is the name or IP address learners' machines reach this machine
	// at. It is added to the API server certificate's names.
	Host string
	// Listen is the host address the API server's port is published on
	// (kind's networking.apiServerAddress). Empty means Host when it is an
	// IP address, else every address (0.0.0.0).
	Listen string
	// Port is the API server's port on the host (kind's
	// networking.apiServerPort); 0 means DefaultAdvertisePort.
	Port int
}

// Validate checks a's fields, naming the flag that sets Host.
func (a Advertise) Validate() error {
	if a.Host == "" {
		return fmt.Errorf("--advertise: a host name or IP address is needed")
	}
	if net.ParseIP(a.Host) == nil {
		if errs := validation.IsDNS1123Subdomain(strings.ToLower(a.Host)); len(errs) > 0 {
			return fmt.Errorf("--advertise %q: neither an IP address nor a DNS name: %s", a.Host, strings.Join(errs, "; "))
		}
	}
	if a.Listen != "" && net.ParseIP(a.Listen) == nil {
		return fmt.Errorf("--advertise: listen address %q is not an IP address", a.Listen)
	}
	if a.Port < 0 || a.Port > 65535 {
		return fmt.Errorf("--advertise: port %d: want 1 to 65535", a.Port)
	}
	return nil
}

// listen is the address the API server's port is published on.
func (a Advertise) listen() string {
	switch {
	case a.Listen != "":
		return a.Listen
	case net.ParseIP(a.Host) != nil:
		return a.Host
	default:
		return "0.0.0.0"
	}
}

// port is the API server's port on the host.
func (a Advertise) port() int {
	if a.Port == 0 {
		return DefaultAdvertisePort
	}
	return a.Port
}

// Server is the API server's URL learners' kubeconfigs name:
// https://HOST:PORT.
func (a Advertise) Server() string {
	return (&url.URL{Scheme: "https", Host: net.JoinHostPort(a.Host, strconv.Itoa(a.port()))}).String()
}

// sans are the names the API server's certificate gets besides kind's own:
// the host, and the listen address when it is one address.
func (a Advertise) sans() []string {
	sans := []string{a.Host}
	if l := a.listen(); l != "0.0.0.0" && l != "::" {
		sans = appendNew(sans, l)
	}
	return sans
}

// certSANsPatch is a kubeadm ClusterConfiguration merge patch adding sans
// to the API server certificate's names; kind appends them to its own
// (localhost and the listen address) rather than replacing them.
func certSANsPatch(sans []string) string {
	var b strings.Builder
	b.WriteString("kind: ClusterConfiguration\napiServer:\n  certSANs:\n")
	for _, s := range sans {
		fmt.Fprintf(&b, "  - %q\n", s)
	}
	return b.String()
}

// withAdvertise publishes c's API server on a's listen address and port,
// and adds a's names to its certificate.
func withAdvertise(c *v1alpha4.Cluster, a Advertise) *v1alpha4.Cluster {
	c.Networking.APIServerAddress = a.listen()
	c.Networking.APIServerPort = int32(a.port())
	c.KubeadmConfigPatches = append(c.KubeadmConfigPatches, certSANsPatch(a.sans()))
	return c
}
