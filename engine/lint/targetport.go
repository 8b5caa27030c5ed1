package lint

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// targetPortRule reports a Service port whose targetPort no container of the
// selected workloads declares (KQ005). A port name that no container
// declares is an error: the endpoints get no port, so traffic goes nowhere.
// A number is a warning, since declaring containerPort is optional.
func targetPortRule(_ context.Context, set *objectSet) []Finding {
	var fs []Finding
	for _, o := range set.services() {
		ws := set.selected(o)
		if len(ws) == 0 {
			continue
		}
		for i, p := range o.obj.(*corev1.Service).Spec.Ports {
			if f, bad := checkTargetPort(o, i, p, ws); bad {
				fs = append(fs, f)
			}
		}
	}
	return fs
}

func checkTargetPort(o *object, i int, p corev1.ServicePort, ws []workload) (Finding, bool) {
	tp, field := p.TargetPort, fmt.Sprintf("spec.ports[%d].targetPort", i)
	if tp.Type == intstr.Int && tp.IntVal == 0 {
		tp, field = intstr.FromInt32(p.Port), fmt.Sprintf("spec.ports[%d].port", i)
	}
	proto := p.Protocol
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	for _, w := range ws {
		if !declares(w.spec, tp, proto) {
			return targetPortFinding(o, field, tp, proto, w), true
		}
	}
	return Finding{}, false
}

func targetPortFinding(o *object, field string, tp intstr.IntOrString, proto corev1.Protocol, w workload) Finding {
	where := fmt.Sprintf("%s %s (%s document %d)", w.loc.Kind, w.loc.Name, w.loc.File, w.loc.Document)
	if tp.Type == intstr.String {
		return finding(RuleTargetPort, o.at(field), "Service %s targets the port named %q, but no container of %s declares a %s port with that name (%s); the Service would route to no port",
			o.loc.Name, tp.StrVal, where, proto, declaredPorts(w.spec))
	}
	f := finding(RuleTargetPort, o.at(field), "Service %s targets port %d/%s, but no container of %s declares containerPort %d (%s); check that the app listens there",
		o.loc.Name, tp.IntVal, proto, where, tp.IntVal, declaredPorts(w.spec))
	f.Severity = Warning
	return f
}

// declares reports whether any container of spec declares port tp.
func declares(spec *corev1.PodSpec, tp intstr.IntOrString, proto corev1.Protocol) bool {
	for _, c := range allContainers(spec) {
		for _, cp := range c.Ports {
			p := cp.Protocol
			if p == "" {
				p = corev1.ProtocolTCP
			}
			if p != proto {
				continue
			}
			if (tp.Type == intstr.String && cp.Name == tp.StrVal) || (tp.Type == intstr.Int && cp.ContainerPort == tp.IntVal) {
				return true
			}
		}
	}
	return false
}

// allContainers returns the regular containers and the restartable (sidecar)
// init containers: the ones that serve traffic.
func allContainers(spec *corev1.PodSpec) []corev1.Container {
	out := append([]corev1.Container(nil), spec.Containers...)
	for _, c := range spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out = append(out, c)
		}
	}
	return out
}

// declaredPorts lists the ports a pod spec declares, for messages.
func declaredPorts(spec *corev1.PodSpec) string {
	s := ""
	for _, c := range allContainers(spec) {
		for _, cp := range c.Ports {
			if s != "" {
				s += ", "
			}
			if cp.Name != "" {
				s += cp.Name + "="
			}
			s += fmt.Sprint(cp.ContainerPort)
		}
	}
	if s == "" {
		return "it declares no ports"
	}
	return "it declares " + s
}
