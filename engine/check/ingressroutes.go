package check

import (
	"context"
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

func init() { register("ingressRoutes", newIngressRoutes) }

// ingressRoutes passes when a request for host and path, routed by the rules
// of one Ingress as the networking.k8s.io/v1 API defines them, reaches the
// expected Service port, and that Service has a ready endpoint. No Ingress
// controller is asked: the game evaluates the rules itself.
type ingressRoutes struct {
	Ingress       string `json:"ingress"`
	Host          string `json:"host"`
	Path          string `json:"path"`
	ExpectService string `json:"expectService"`
	ExpectPort    int32  `json:"expectPort"`
}

var _ Check = (*ingressRoutes)(nil)

func newIngressRoutes(params []byte) (Check, error) {
	c := &ingressRoutes{}
	return c, decode(params, c)
}

func (c *ingressRoutes) validate() error {
	for _, f := range []struct{ name, v string }{{"ingress", c.Ingress}, {"host", c.Host}, {"path", c.Path}, {"expectService", c.ExpectService}} {
		if err := required(f.name, f.v); err != nil {
			return err
		}
	}
	if !strings.HasPrefix(c.Path, "/") {
		return fmt.Errorf("path must start with '/', got %q", c.Path)
	}
	if strings.Contains(c.Host, "*") || strings.Contains(c.Host, "/") || strings.Contains(c.Host, ":") {
		return fmt.Errorf("host must be a plain host name such as myapp.local, got %q", c.Host)
	}
	if c.ExpectPort < 1 || c.ExpectPort > 65535 {
		return fmt.Errorf("expectPort must be a port number from 1 to 65535, got %d", c.ExpectPort)
	}
	return nil
}

// ingressEvaluated is appended to every verdict, so the player knows where
// the answer comes from.
const ingressEvaluated = "evaluated from the Ingress rules; no Ingress controller was asked"

// Run implements Check.
func (c *ingressRoutes) Run(_ context.Context, env *Env) Result {
	ns := env.Namespace
	ing := env.Snap.Ingress(ns, c.Ingress)
	if ing == nil {
		return absent("Ingress", c.Ingress, ns)
	}
	url := "http://" + c.Host + c.Path
	route := IngressRoute(ing, c.Host, c.Path)
	if route.Backend != nil && route.DefaultNextToRules {
		return ingressFail(fmt.Sprintf("a request for %s gets 404 from some Ingress controllers, Traefik among them", url),
			fmt.Sprintf("%s matches no rule of Ingress %s, so only its defaultBackend %s could take it (%s); the API allows that, but not every controller follows it: Traefik uses an Ingress's defaultBackend only when the Ingress has no rules, and answers 404",
				url, c.Ingress, ingressBackendString(route.Backend), route.Why))
	}
	if route.Backend == nil {
		return ingressFail(fmt.Sprintf("a request for %s would get 404 from the Ingress controller's own default backend", url),
			fmt.Sprintf("%s matches no rule of Ingress %s (%s), and it has no defaultBackend", url, c.Ingress, route.Why))
	}
	if route.Backend.Service == nil {
		return ingressFail(fmt.Sprintf("a request for %s reaches no Service", url),
			fmt.Sprintf("%s routes to a resource backend (%s), not a Service", url, route.Why))
	}
	b := route.Backend.Service
	got := b.Name + ":" + ingressPortString(b.Port)
	if b.Name != c.ExpectService {
		return ingressFail(fmt.Sprintf("a request for %s reaches Service %s, not %s", url, b.Name, c.ExpectService),
			fmt.Sprintf("%s routes to Service %s (%s); expected Service %s", url, got, route.Why, c.ExpectService))
	}
	svc := env.Snap.Service(ns, b.Name)
	if svc == nil {
		return ingressFail(fmt.Sprintf("a request for %s is sent to Service %s, which does not exist", url, b.Name),
			fmt.Sprintf("%s routes to %s (%s), but Service %s does not exist", url, got, route.Why, b.Name))
	}
	port, name, ok := ingressResolvePort(svc.Spec.Ports, b.Port)
	if !ok {
		return ingressFail(fmt.Sprintf("a request for %s is sent to a port Service %s does not have", url, b.Name),
			fmt.Sprintf("%s routes to %s (%s), but Service %s has no port %s; it declares %s", url, got, route.Why, b.Name, ingressPortString(b.Port), ingressServicePorts(svc.Spec.Ports)))
	}
	if port != c.ExpectPort {
		return ingressFail(fmt.Sprintf("a request for %s reaches Service %s on port %d, not %d", url, b.Name, port, c.ExpectPort),
			fmt.Sprintf("%s routes to Service %s port %d (%s); expected port %d", url, b.Name, port, route.Why, c.ExpectPort))
	}
	readyN, total := ingressReadyEndpoints(env.Snap, ns, b.Name, name)
	if readyN == 0 {
		return ingressFail(fmt.Sprintf("a request for %s reaches Service %s port %d, which has no ready endpoint to answer it (%d listed)", url, b.Name, port, total),
			fmt.Sprintf("%s routes to Service %s port %d (%s), but the Service has no ready endpoints (%d endpoints listed)", url, b.Name, port, route.Why, total))
	}
	return pass(fmt.Sprintf("a request for %s reaches Service %s port %d, which has %d ready endpoint%s (%s)", url, b.Name, port, readyN, w3Plural(readyN), ingressEvaluated),
		fmt.Sprintf("%s routes to Service %s port %d (%s), which has %d ready endpoint%s (%s)", url, b.Name, port, route.Why, readyN, w3Plural(readyN), ingressEvaluated))
}

// ingressFail is a failing verdict; both voices say where it comes from.
func ingressFail(symptom, diagnosis string) Result {
	return fail(symptom+" ("+ingressEvaluated+")", diagnosis+" ("+ingressEvaluated+")")
}

// IngressRouteResult is where one request goes under one Ingress.
type IngressRouteResult struct {
	// Backend is nil when nothing matches and there is no defaultBackend.
	Backend *networkingv1.IngressBackend
	// Why says which rule and path, or the defaultBackend, decided.
	Why string
	// DefaultNextToRules says the defaultBackend took the request although
	// the Ingress has rules: the API says it takes what the rules miss, but
	// Traefik uses a defaultBackend only in an Ingress without rules.
	DefaultNextToRules bool
}

// IngressRoute evaluates the rules of ing for a request to host and path, the
// way the networking.k8s.io/v1 API defines them:
//
//   - a rule's host is matched first: an exact host, then a wildcard
//     "*.example.com" (one DNS label in place of the '*'), then rules that name
//     no host, which match every host. Only the most specific kind of host
//     that has rules is consulted, as controllers build one virtual host per
//     host name;
//   - within it, Exact paths match the whole path, Prefix paths match element
//     by element on '/' boundaries (trailing '/' ignored), and
//     ImplementationSpecific paths are treated as Prefix;
//   - the longest matching path wins; at equal length Exact beats Prefix;
//   - when no path matches, the defaultBackend takes the request, if any.
//
// Where two well-known controllers differ, the result says so: a rule
// without host next to the host's own rules is used by Traefik but not by
// ingress-nginx (Why names it), and a defaultBackend next to rules is
// what the API describes but Traefik ignores (DefaultNextToRules).
func IngressRoute(ing *networkingv1.Ingress, host, path string) IngressRouteResult {
	host = strings.ToLower(host)
	tiers := [3][]int{} // rule indexes: exact host, wildcard host, no host
	for i, r := range ing.Spec.Rules {
		switch {
		case r.Host == "":
			tiers[2] = append(tiers[2], i)
		case strings.HasPrefix(r.Host, "*."):
			if ingressWildcardMatch(strings.ToLower(r.Host), host) {
				tiers[1] = append(tiers[1], i)
			}
		case strings.ToLower(r.Host) == host:
			tiers[0] = append(tiers[0], i)
		}
	}
	var rules []int
	hostWhy := ""
	tier := -1
	for t, idx := range tiers {
		if len(idx) == 0 {
			continue
		}
		rules, tier = idx, t
		switch t {
		case 0:
			hostWhy = fmt.Sprintf("host %s", host)
		case 1:
			hostWhy = fmt.Sprintf("host %s", ing.Spec.Rules[idx[0]].Host)
		default:
			hostWhy = "a rule without host, which matches every host"
		}
		break
	}
	best, bestRule, tried := ingressBestPath(ing, rules, path)
	if best != nil {
		why := fmt.Sprintf("rule %d, %s, path %s %s", bestRule+1, hostWhy, best.Path, ingressPathType(best))
		if best.PathType != nil && *best.PathType == networkingv1.PathTypeImplementationSpecific {
			why += ", ImplementationSpecific treated as Prefix"
		}
		b := best.Backend
		return IngressRouteResult{Backend: &b, Why: why}
	}
	var why string
	switch {
	case len(rules) == 0 && len(ing.Spec.Rules) == 0:
		why = "it has no rules"
	case len(rules) == 0:
		why = fmt.Sprintf("no rule's host matches %s; hosts are %s", host, ingressHosts(ing))
	case len(tried) == 0:
		why = fmt.Sprintf("the rules for %s list no paths", hostWhy)
	default:
		why = fmt.Sprintf("under %s the paths are %s, and none matches %s", hostWhy, strings.Join(tried, ", "), path)
	}
	hostless := false
	if tier >= 0 && tier < 2 {
		if p, i, _ := ingressBestPath(ing, tiers[2], path); p != nil {
			hostless = true
			why += fmt.Sprintf("; rule %d, without host, has a matching path too: Traefik routes by it, ingress-nginx does not", i+1)
		}
	}
	if ing.Spec.DefaultBackend != nil {
		b := *ing.Spec.DefaultBackend
		// with a matching rule without host, Traefik routes by that rule
		// instead of answering 404 itself
		return IngressRouteResult{Backend: &b, Why: "defaultBackend, because " + why, DefaultNextToRules: len(ing.Spec.Rules) > 0 && !hostless}
	}
	return IngressRouteResult{Why: why}
}

// ingressBestPath finds, among the paths of ing's rules with the indexes
// rules, the one that wins for path (the longest match; at equal length
// Exact), its rule's index and the paths tried, as "PATH TYPE".
func ingressBestPath(ing *networkingv1.Ingress, rules []int, path string) (*networkingv1.HTTPIngressPath, int, []string) {
	var best *networkingv1.HTTPIngressPath
	bestRule := -1
	var tried []string
	for _, i := range rules {
		r := ing.Spec.Rules[i]
		if r.HTTP == nil {
			continue
		}
		for j := range r.HTTP.Paths {
			p := &r.HTTP.Paths[j]
			pt := ingressPathType(p)
			tried = append(tried, fmt.Sprintf("%s %s", p.Path, pt))
			if !ingressPathMatch(pt, p.Path, path) {
				continue
			}
			if best == nil || len(p.Path) > len(best.Path) ||
				(len(p.Path) == len(best.Path) && pt == networkingv1.PathTypeExact && ingressPathType(best) != networkingv1.PathTypeExact) {
				best, bestRule = p, i
			}
		}
	}
	return best, bestRule, tried
}

// ingressBackendString names a backend: SERVICE:PORT, or its resource.
func ingressBackendString(b *networkingv1.IngressBackend) string {
	switch {
	case b.Service != nil:
		return b.Service.Name + ":" + ingressPortString(b.Service.Port)
	case b.Resource != nil:
		return "resource " + b.Resource.Kind + " " + b.Resource.Name
	}
	return "(none)"
}

// ingressWildcardMatch reports whether rule "*.foo.com" matches host: the
// '*' stands for exactly one DNS label.
func ingressWildcardMatch(rule, host string) bool {
	suffix := strings.TrimPrefix(rule, "*")
	if !strings.HasSuffix(host, suffix) {
		return false
	}
	label := strings.TrimSuffix(host, suffix)
	return label != "" && !strings.Contains(label, ".")
}

func ingressPathType(p *networkingv1.HTTPIngressPath) networkingv1.PathType {
	if p.PathType == nil {
		return networkingv1.PathTypeImplementationSpecific
	}
	return *p.PathType
}

// ingressPathMatch matches request path against an Ingress path of type pt.
func ingressPathMatch(pt networkingv1.PathType, rule, path string) bool {
	if pt == networkingv1.PathTypeExact {
		return rule == path
	}
	if rule == "" {
		rule = "/"
	}
	want := ingressElements(rule)
	got := ingressElements(path)
	if len(want) > len(got) {
		return false
	}
	for i := range want {
		if want[i] != got[i] {
			return false
		}
	}
	return true
}

// ingressElements splits a path into its '/'-separated elements, ignoring
// a trailing '/'.
func ingressElements(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func ingressHosts(ing *networkingv1.Ingress) string {
	var hs []string
	for _, r := range ing.Spec.Rules {
		if r.Host == "" {
			hs = append(hs, "(any)")
		} else {
			hs = append(hs, r.Host)
		}
	}
	return strings.Join(hs, ", ")
}

func ingressPortString(p networkingv1.ServiceBackendPort) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprint(p.Number)
}
