package lint

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// PodCIDRs are the pod address ranges common clusters use by default. An
// address inside one, written into a manifest, is almost always a pod IP
// copied from `kubectl get pods -o wide`, and pod IPs change on reschedule.
var PodCIDRs = []struct {
	Prefix netip.Prefix
	Who    string
}{
	{netip.MustParsePrefix("10.244.0.0/16"), "kind and flannel"},
	{netip.MustParsePrefix("10.42.0.0/16"), "k3s"},
	{netip.MustParsePrefix("10.1.0.0/16"), "MicroK8s"},
	{netip.MustParsePrefix("192.168.0.0/16"), "Calico"},
	{netip.MustParsePrefix("172.16.0.0/12"), "Docker-style bridge networks"},
}

// hostLikeRE matches keys and values that hold a host to connect to.
var hostLikeRE = regexp.MustCompile(`(?i)host|addr|url|uri|endpoint|peer|server|seed|broker|member|connect|dsn`)

// ipRunRE finds runs of digits and dots; each run is then parsed as an address.
var ipRunRE = regexp.MustCompile(`[0-9][0-9.]*[0-9]`)

// podIPRule reports IPv4 literals where a DNS name belongs (KQ006): in
// container env values, args and commands, and in ConfigMap values.
func podIPRule(_ context.Context, set *objectSet) []Finding {
	var fs []Finding
	for _, w := range set.workloads() {
		fs = append(fs, scanPodSpec(set, w)...)
	}
	for _, o := range set.objects {
		if cm, ok := o.obj.(*corev1.ConfigMap); ok {
			for _, k := range sortedKeys(cm.Data) {
				fs = append(fs, scanValue(set, o, fmt.Sprintf("data[%q]", k), k, cm.Data[k])...)
			}
		}
	}
	return fs
}

func scanPodSpec(set *objectSet, w workload) []Finding {
	var fs []Finding
	groups := []struct {
		name string
		cs   []corev1.Container
	}{{"initContainers", w.spec.InitContainers}, {"containers", w.spec.Containers}}
	for _, g := range groups {
		for ci, c := range g.cs {
			base := fmt.Sprintf("%s.%s[%d]", w.specPath, g.name, ci)
			for i, e := range c.Env {
				fs = append(fs, scanValue(set, w.object, fmt.Sprintf("%s.env[%d].value", base, i), e.Name, e.Value)...)
			}
			for i, a := range c.Args {
				fs = append(fs, scanValue(set, w.object, fmt.Sprintf("%s.args[%d]", base, i), "", a)...)
			}
			for i, a := range c.Command {
				fs = append(fs, scanValue(set, w.object, fmt.Sprintf("%s.command[%d]", base, i), "", a)...)
			}
		}
	}
	return fs
}

// scanValue reports each suspicious address in value, line by line.
func scanValue(set *objectSet, o *object, field, key, value string) []Finding {
	var fs []Finding
	lines := strings.Split(value, "\n")
	for n, line := range lines {
		for _, ip := range suspiciousIPs(key, line) {
			where := ""
			if len(lines) > 1 {
				where = fmt.Sprintf(" (line %d of the value)", n+1)
			}
			fs = append(fs, finding(RulePodIP, o.at(field), "%s %s: %s%s; %s", o.loc.Kind, o.loc.Name, ip, where, suggestDNS(set, o)))
		}
	}
	return fs
}

// suspiciousIPs returns a description of each address in line that looks like
// a pod IP, or an address where a host name belongs.
func suspiciousIPs(key, line string) []string {
	var out []string
	for _, m := range ipRunRE.FindAllStringIndex(line, -1) {
		a, err := netip.ParseAddr(line[m[0]:m[1]])
		if err != nil || !a.Is4() || isCIDR(line, m[1]) || ignorable(a) {
			continue
		}
		if who, p, ok := podCIDR(a); ok {
			out = append(out, fmt.Sprintf("%s is inside %s, the default pod range of %s, so it is probably a pod IP, which changes when the pod is rescheduled", a, p, who))
			continue
		}
		withPort := m[1] < len(line) && line[m[1]] == ':'
		inURL := strings.HasSuffix(line[:m[0]], "://") || strings.HasSuffix(line[:m[0]], "@")
		if hostLikeRE.MatchString(key) || hostLikeRE.MatchString(line) || withPort || inURL {
			out = append(out, fmt.Sprintf("%s is an IP address in a host-like value; addresses change, DNS names stay", a))
		}
	}
	return out
}

// isCIDR reports whether the address ending at end has a prefix length: "/16".
func isCIDR(line string, end int) bool {
	return end+1 < len(line) && line[end] == '/' && line[end+1] >= '0' && line[end+1] <= '9'
}

// ignorable addresses are never a peer: bind-all, loopback, link-local,
// multicast and broadcast.
func ignorable(a netip.Addr) bool {
	return a.IsUnspecified() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsMulticast() || a == netip.MustParseAddr("255.255.255.255")
}

func podCIDR(a netip.Addr) (string, netip.Prefix, bool) {
	for _, c := range PodCIDRs {
		if c.Prefix.Contains(a) {
			return c.Who, c.Prefix, true
		}
	}
	return "", netip.Prefix{}, false
}

// suggestDNS proposes the StatefulSet pod DNS name form, with a real name
// when the object is a StatefulSet or its namespace has exactly one.
func suggestDNS(set *objectSet, o *object) string {
	var names []string
	for _, x := range set.objects {
		sts, ok := x.obj.(*appsv1.StatefulSet)
		if !ok || x.loc.Namespace != o.loc.Namespace || sts.Spec.ServiceName == "" {
			continue
		}
		name := fmt.Sprintf("%s-0.%s.%s.svc.cluster.local", x.loc.Name, sts.Spec.ServiceName, x.loc.Namespace)
		if x == o {
			names = []string{name}
			break
		}
		names = append(names, name)
	}
	if len(names) == 1 {
		return fmt.Sprintf("use a DNS name instead, such as the StatefulSet pod name %s or a Service name", names[0])
	}
	return "use a DNS name instead: a StatefulSet pod's <pod>.<headless-service>.<namespace>.svc.cluster.local, or a Service name"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
