package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("envResolvesTo", newEnvDNS) }

// envDNS passes when the host named by an environment variable of a
// Deployment's running pods, resolved through cluster DNS with the pods'
// search path, answers exactly a Service's ClusterIP. It reads the env of
// the pods themselves, not the template, so a change only counts once the
// pods carrying it run.
type envDNS struct {
	Deployment string `json:"deployment"`
	// Container limits the search to one container; empty searches them all.
	Container string `json:"container"`
	// Env is the variable's name; its value is a host, host:port or a URL.
	Env string `json:"env"`
	// Namespace is the Deployment's namespace role; empty is the main one.
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
	// ServiceNamespace is the Service's namespace role; empty is the main one.
	ServiceNamespace string `json:"serviceNamespace"`
}

var _ Check = (*envDNS)(nil)

func newEnvDNS(params []byte) (Check, error) {
	c := &envDNS{}
	return c, decode(params, c)
}

func (c *envDNS) validate() error {
	for _, f := range []struct{ name, v string }{{"deployment", c.Deployment}, {"env", c.Env}, {"service", c.Service}} {
		if err := required(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// Run implements Check.
func (c *envDNS) Run(ctx context.Context, env *Env) Result {
	ns, sns := env.Resolve(c.Namespace), env.Resolve(c.ServiceNamespace)
	wl, ok := findWorkload(env.Snap, ns, "Deployment", c.Deployment)
	if !ok {
		return absent("Deployment", c.Deployment, ns)
	}
	svc := env.Snap.Service(sns, c.Service)
	if svc == nil {
		return absent("Service", c.Service, sns)
	}
	want := svc.Spec.ClusterIP
	if want == "" || want == corev1.ClusterIPNone {
		return failf("Service %s in namespace %s has no ClusterIP (%s) to compare with", c.Service, sns, typeOf(svc))
	}
	byValue, r, bad := c.values(env.Snap, wl)
	if bad {
		return r
	}
	if env.DNS == nil {
		return unreachable(fmt.Errorf("%w: no resolver configured", dns.ErrUnreachable))
	}
	var good []string
	for _, v := range sortedKeys(byValue) {
		line, ok, r := c.resolveOne(ctx, env, ns, v, byValue[v], svc)
		if r != nil {
			return *r
		}
		if !ok {
			line.Requery = true
			return line
		}
		good = append(good, line.Message)
	}
	all := strings.Join(good, "; ")
	return pass(all, all)
}

// values groups the running pods by the variable's value.
func (c *envDNS) values(s *snapshot.Snapshot, wl workload) (map[string][]string, Result, bool) {
	by := map[string][]string{}
	running := 0
	for _, p := range wl.pods(s) {
		if p.Status.Phase != corev1.PodRunning {
			continue
		}
		running++
		v, err := envOf(p, c.Container, c.Env)
		if err != nil {
			return nil, failf("pod %s of Deployment %s: %v", p.Name, c.Deployment, err), true
		}
		by[v] = append(by[v], p.Name)
	}
	if running == 0 {
		return nil, failf("Deployment %s has no running pod to read %s from", c.Deployment, c.Env), true
	}
	return by, Result{}, false
}

// resolveOne resolves the host in value the way the pods would. It returns
// a verdict for this value (its Message is the line for a passing result)
// and whether it answered the Service's ClusterIP; a non-nil Result ends the
// check (unreachable DNS, unusable value).
func (c *envDNS) resolveOne(ctx context.Context, env *Env, ns, value string, pods []string, svc *corev1.Service) (Result, bool, *Result) {
	who := fmt.Sprintf("%s=%s (%s)", c.Env, value, podCount(pods))
	host, err := hostOf(value)
	if err != nil {
		r := failf("%s: %v", who, err)
		return Result{}, false, &r
	}
	want := svc.Spec.ClusterIP
	target := fmt.Sprintf("Service %s's ClusterIP %s in namespace %s", svc.Name, want, svc.Namespace)
	if net.ParseIP(host) != nil {
		return fail(fmt.Sprintf("%s: the pods connect to the fixed address %s, which stops working when the address moves", who, host),
			fmt.Sprintf("%s names the IP address %s rather than a DNS name; a ClusterIP changes when its Service is recreated, so use the name of %s", who, host, target)), false, nil
	}
	answered, ans, err := dns.Resolve(ctx, env.DNS, host, ns, env.Domain, dns.A)
	var nf *dns.NotFoundError
	switch {
	case errors.As(err, &nf):
		return fail(fmt.Sprintf("%s: the pods find no address for %s, so they cannot reach Service %s", who, host, svc.Name),
			fmt.Sprintf("%s: a pod in namespace %s finds no address for %s; it tried %s. Expected %s", who, ns, host, triedList(nf), target)), false, nil
	case err != nil:
		r := unreachable(err)
		return Result{}, false, &r
	}
	var got []string
	for _, rec := range ans.Records {
		got = append(got, rec.Value)
	}
	sort.Strings(got)
	if sameSet(got, []string{want}) {
		ok := fmt.Sprintf("%s: %s answers %s, %s", who, answered, want, target)
		return pass(ok, ok), true, nil
	}
	return fail(fmt.Sprintf("%s: %s answers %s, not %s", who, host, strings.Join(got, ", "), target),
		fmt.Sprintf("%s: %s answers %s (%s), not %s", who, answered, strings.Join(got, ", "), ownerOf(env.Snap, got), target)), false, nil
}

// envOf returns the literal value of variable name in p's containers.
func envOf(p *corev1.Pod, container, name string) (string, error) {
	found := false
	for _, ct := range p.Spec.Containers {
		if container != "" && ct.Name != container {
			continue
		}
		found = true
		for _, e := range ct.Env {
			if e.Name != name {
				continue
			}
			if e.ValueFrom != nil {
				return "", fmt.Errorf("%s is set with valueFrom, which this check cannot read; give it a literal value", name)
			}
			return e.Value, nil
		}
	}
	if !found {
		return "", fmt.Errorf("has no container %s", container)
	}
	return "", fmt.Errorf("has no environment variable %s", name)
}

// hostOf extracts the host from a plain host, host:port or URL.
func hostOf(value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", errors.New("the value is empty")
	}
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return "", fmt.Errorf("not a URL: %w", err)
		}
		if u.Hostname() == "" {
			return "", fmt.Errorf("the URL %q names no host", v)
		}
		return u.Hostname(), nil
	}
	if i := strings.IndexByte(v, '/'); i >= 0 {
		v = v[:i]
	}
	if h, _, err := net.SplitHostPort(v); err == nil {
		return h, nil
	}
	return v, nil
}

// triedList lists each name asked and its response code.
func triedList(nf *dns.NotFoundError) string {
	parts := make([]string, len(nf.Tried))
	for i, n := range nf.Tried {
		parts[i] = fmt.Sprintf("%s (%s)", n, nf.Rcodes[i])
	}
	return strings.Join(parts, ", ")
}

// ownerOf says which Service or pod in the snapshot holds the addresses: a
// live pod before a Service and, when several share an address (pods on
// the host network), the first by namespace and name.
func ownerOf(s *snapshot.Snapshot, ips []string) string {
	var out []string
	for _, ip := range ips {
		out = append(out, ownerOfIP(s, ip))
	}
	return strings.Join(out, "; ")
}

func ownerOfIP(s *snapshot.Snapshot, ip string) string {
	var pods []*corev1.Pod
	for _, p := range s.Pods {
		if p.Status.PodIP == ip && p.DeletionTimestamp == nil {
			pods = append(pods, p)
		}
	}
	if len(pods) > 0 {
		snapshot.SortByName(pods)
		return fmt.Sprintf("the IP of pod %s in namespace %s", pods[0].Name, pods[0].Namespace)
	}
	var svcs []*corev1.Service
	for _, svc := range s.Services {
		if svc.Spec.ClusterIP == ip {
			svcs = append(svcs, svc)
		}
	}
	if len(svcs) > 0 {
		snapshot.SortByName(svcs)
		return fmt.Sprintf("the ClusterIP of Service %s in namespace %s", svcs[0].Name, svcs[0].Namespace)
	}
	return "no Service or pod of this level"
}

func podCount(pods []string) string {
	if len(pods) == 1 {
		return "pod " + pods[0]
	}
	return fmt.Sprintf("%d pods: %s", len(pods), firstFew(pods))
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
