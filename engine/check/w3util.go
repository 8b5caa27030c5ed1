package check

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// Helpers shared by the ingressRoutes, networkPolicyAllows, readinessProbe
// and serviceExposed checks.

func w3Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ingressResolvePort finds the Service port an Ingress backend names, by
// number or by name; it returns the port number and the port's name.
func ingressResolvePort(ports []corev1.ServicePort, p networkingv1.ServiceBackendPort) (int32, string, bool) {
	for _, sp := range ports {
		if (p.Name != "" && sp.Name == p.Name) || (p.Name == "" && sp.Port == p.Number) {
			return sp.Port, sp.Name, true
		}
	}
	return 0, "", false
}

func ingressServicePorts(ports []corev1.ServicePort) string {
	if len(ports) == 0 {
		return "no ports"
	}
	var out []string
	for _, p := range ports {
		if p.Name != "" {
			out = append(out, fmt.Sprintf("%d (%s)", p.Port, p.Name))
		} else {
			out = append(out, fmt.Sprint(p.Port))
		}
	}
	return strings.Join(out, ", ")
}

// ingressReadyEndpoints counts the endpoints of Service ns/name that are
// ready, and all endpoints, in the EndpointSlices that carry the Service port
// named portName ("" for an unnamed port). A nil ready condition counts as
// ready, as the EndpointSlice API defines.
func ingressReadyEndpoints(s *snapshot.Snapshot, ns, name, portName string) (ready, total int) {
	for _, es := range s.SlicesFor(ns, name) {
		if !w3SliceHasPort(es.Ports, portName) {
			continue
		}
		for _, ep := range es.Endpoints {
			total++
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				ready++
			}
		}
	}
	return ready, total
}

// w3SliceHasPort reports whether an EndpointSlice carries the Service port
// named name ("" for the unnamed port).
func w3SliceHasPort(ports []discoveryv1.EndpointPort, name string) bool {
	for _, p := range ports {
		n := ""
		if p.Name != nil {
			n = *p.Name
		}
		if n == name {
			return true
		}
	}
	return false
}
