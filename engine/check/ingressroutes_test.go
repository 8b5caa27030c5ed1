package check

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func ingPath(p string, pt networkingv1.PathType, svc string) networkingv1.HTTPIngressPath {
	t := pt
	return networkingv1.HTTPIngressPath{Path: p, PathType: &t, Backend: ingBackend(svc, 80)}
}

func ingBackend(svc string, port int32) networkingv1.IngressBackend {
	return networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: port}}}
}

func ingRule(host string, paths ...networkingv1.HTTPIngressPath) networkingv1.IngressRule {
	return networkingv1.IngressRule{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: paths}}}
}

func ingOf(rules ...networkingv1.IngressRule) *networkingv1.Ingress {
	return &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-ingress"}, Spec: networkingv1.IngressSpec{Rules: rules}}
}

const (
	pExact  = networkingv1.PathTypeExact
	pPrefix = networkingv1.PathTypePrefix
	pImpl   = networkingv1.PathTypeImplementationSpecific
)

func TestIngressRoute(t *testing.T) {
	withDefault := ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "api")))
	d := ingBackend("fallback", 80)
	withDefault.Spec.DefaultBackend = &d
	nilType := ingOf(ingRule("", networkingv1.HTTPIngressPath{Path: "/x", Backend: ingBackend("x", 80)}))
	tests := []struct {
		name       string
		ing        *networkingv1.Ingress
		host, path string
		want       string // backend service, "" for none
		why        string
	}{
		{"prefix /api misses /", ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "web"))), "myapp.local", "/", "", "none matches /"},
		{"prefix / matches all", ingOf(ingRule("myapp.local", ingPath("/", pPrefix, "web"))), "myapp.local", "/a/b", "web", "path / Prefix"},
		{"prefix element-wise match", ingOf(ingRule("", ingPath("/foo", pPrefix, "web"))), "h", "/foo/bar", "web", ""},
		{"prefix not substring", ingOf(ingRule("", ingPath("/foo", pPrefix, "web"))), "h", "/foobar", "", ""},
		{"prefix trailing slash in rule", ingOf(ingRule("", ingPath("/aaa/bbb/", pPrefix, "web"))), "h", "/aaa/bbb", "web", ""},
		{"prefix trailing slash in request", ingOf(ingRule("", ingPath("/aaa/bbb", pPrefix, "web"))), "h", "/aaa/bbb/", "web", ""},
		{"prefix last element partial", ingOf(ingRule("", ingPath("/aaa/bb", pPrefix, "web"))), "h", "/aaa/bbb", "", ""},
		{"exact matches itself", ingOf(ingRule("", ingPath("/foo", pExact, "web"))), "h", "/foo", "web", "Exact"},
		{"exact no trailing slash", ingOf(ingRule("", ingPath("/foo", pExact, "web"))), "h", "/foo/", "", ""},
		{"exact / only /", ingOf(ingRule("", ingPath("/", pExact, "web"))), "h", "/about", "", ""},
		{"exact / matches /", ingOf(ingRule("myapp.local", ingPath("/", pExact, "web"))), "myapp.local", "/", "web", "path / Exact"},
		{"longest wins", ingOf(ingRule("", ingPath("/", pPrefix, "root"), ingPath("/api", pPrefix, "api"))), "h", "/api/v1", "api", ""},
		{"longest wins, order reversed", ingOf(ingRule("", ingPath("/api", pPrefix, "api"), ingPath("/", pPrefix, "root"))), "h", "/other", "root", ""},
		{"exact beats prefix at equal length", ingOf(ingRule("", ingPath("/foo", pPrefix, "prefix"), ingPath("/foo", pExact, "exact"))), "h", "/foo", "exact", ""},
		{"prefix when exact misses", ingOf(ingRule("", ingPath("/foo", pPrefix, "prefix"), ingPath("/foo", pExact, "exact"))), "h", "/foo/x", "prefix", ""},
		{"implementation specific as prefix", ingOf(ingRule("", ingPath("/foo", pImpl, "web"))), "h", "/foo/x", "web", "ImplementationSpecific treated as Prefix"},
		{"nil pathType as prefix", nilType, "h", "/x/y", "x", ""},
		{"host mismatch", ingOf(ingRule("myapp.com", ingPath("/", pPrefix, "web"))), "myapp.local", "/", "", "no rule's host matches myapp.local; hosts are myapp.com"},
		{"host case-insensitive", ingOf(ingRule("MyApp.Local", ingPath("/", pPrefix, "web"))), "myapp.local", "/", "web", ""},
		{"no host matches any host", ingOf(ingRule("", ingPath("/", pPrefix, "web"))), "anything.example", "/", "web", "without host"},
		{"wildcard one label", ingOf(ingRule("*.foo.com", ingPath("/", pPrefix, "web"))), "bar.foo.com", "/", "web", "*.foo.com"},
		{"wildcard not two labels", ingOf(ingRule("*.foo.com", ingPath("/", pPrefix, "web"))), "baz.bar.foo.com", "/", "", ""},
		{"wildcard not the bare domain", ingOf(ingRule("*.foo.com", ingPath("/", pPrefix, "web"))), "foo.com", "/", "", ""},
		{"exact host before wildcard", ingOf(ingRule("*.foo.com", ingPath("/", pPrefix, "wild")), ingRule("a.foo.com", ingPath("/", pPrefix, "exact"))), "a.foo.com", "/", "exact", ""},
		{"exact host before no host", ingOf(ingRule("", ingPath("/", pPrefix, "any")), ingRule("myapp.local", ingPath("/api", pPrefix, "api"))), "myapp.local", "/", "", "under host myapp.local"},
		{"two rules same host merge", ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "api")), ingRule("myapp.local", ingPath("/", pPrefix, "web"))), "myapp.local", "/", "web", "rule 2"},
		{"default backend", withDefault, "myapp.local", "/", "fallback", "defaultBackend, because"},
		{"default backend not used on match", withDefault, "myapp.local", "/api", "api", ""},
		{"no rules", ingOf(), "h", "/", "", "it has no rules"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := IngressRoute(tc.ing, tc.host, tc.path)
			got := ""
			if r.Backend != nil && r.Backend.Service != nil {
				got = r.Backend.Service.Name
			}
			if got != tc.want {
				t.Errorf("route to %q, want %q (%s)", got, tc.want, r.Why)
			}
			if !strings.Contains(r.Why, tc.why) {
				t.Errorf("why %q does not contain %q", r.Why, tc.why)
			}
		})
	}
}

func TestIngressRoutesCheck(t *testing.T) {
	ready, notReady := true, false
	name := "http"
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-service"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}}
	slice := func(r *bool) *discoveryv1.EndpointSlice {
		return &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web-service-x", Labels: map[string]string{discoveryv1.LabelServiceName: "web-service"}},
			Ports:     []discoveryv1.EndpointPort{{Name: &name}},
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: r}}}}
	}
	byName := ingOf(ingRule("myapp.local", networkingv1.HTTPIngressPath{Path: "/", PathType: ptr(pPrefix),
		Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "web-service", Port: networkingv1.ServiceBackendPort{Name: "http"}}}}))
	tests := []struct {
		name   string
		ing    *networkingv1.Ingress
		slices []*discoveryv1.EndpointSlice
		status Status
		msg    string
	}{
		{"broken", ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "web-service"))), []*discoveryv1.EndpointSlice{slice(&ready)}, Fail, "matches no rule"},
		{"fixed", ingOf(ingRule("myapp.local", ingPath("/", pPrefix, "web-service"))), []*discoveryv1.EndpointSlice{slice(&ready)}, Pass, "1 ready endpoint ("},
		{"port by name", byName, []*discoveryv1.EndpointSlice{slice(&ready)}, Pass, "port 80"},
		{"other service", ingOf(ingRule("myapp.local", ingPath("/", pPrefix, "api"))), nil, Fail, "routes to Service api:80"},
		{"no endpoints ready", ingOf(ingRule("myapp.local", ingPath("/", pPrefix, "web-service"))), []*discoveryv1.EndpointSlice{slice(&notReady)}, Fail, "no ready endpoints (1 endpoints listed)"},
		{"wrong port", ingOf(networkingv1.IngressRule{Host: "myapp.local", IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: ptr(pPrefix), Backend: ingBackend("web-service", 8080)}}}}}), nil, Fail, "has no port 8080"},
		// Traefik uses an Ingress's defaultBackend only when it has no rules
		// (TestKindTrafficLevel24 sees its 404), so this fix is not portable.
		{"default backend next to rules", withDefaultTo("web-service", ingRule("myapp.local", ingPath("/api", pPrefix, "web-service"))), []*discoveryv1.EndpointSlice{slice(&ready)}, Fail,
			"Traefik uses an Ingress's defaultBackend only when the Ingress has no rules"},
		{"default backend alone", withDefaultTo("web-service"), []*discoveryv1.EndpointSlice{slice(&ready)}, Pass, "defaultBackend, because it has no rules"},
		// Traefik routes by the rule without host, ingress-nginx does not.
		{"rule without host next to the host's", ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "web-service")), ingRule("", ingPath("/", pPrefix, "web-service"))), []*discoveryv1.EndpointSlice{slice(&ready)}, Fail,
			"rule 2, without host, has a matching path too: Traefik routes by it, ingress-nginx does not"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Build("ingressRoutes", []byte(`{ingress: web-ingress, host: myapp.local, path: /, expectService: web-service, expectPort: 80}`))
			if err != nil {
				t.Fatal(err)
			}
			env := &Env{Namespace: "ns", Snap: &snapshot.Snapshot{Ingresses: []*networkingv1.Ingress{tc.ing}, Services: []*corev1.Service{svc}, EndpointSlices: tc.slices}}
			r := c.Run(context.Background(), env)
			assertVoices(t, r, []string{ingressEvaluated}, []string{tc.msg, ingressEvaluated})
			if r.Status != tc.status {
				t.Errorf("got %s %q, want %s", r.Status, r.Diagnosis, tc.status)
			}
		})
	}
}

func TestIngressRoutesParams(t *testing.T) {
	for params, field := range map[string]string{
		`{host: a, path: /, expectService: s, expectPort: 80}`:                   "ingress",
		`{ingress: i, path: /, expectService: s, expectPort: 80}`:                "host",
		`{ingress: i, host: a, path: x, expectService: s, expectPort: 80}`:       "path",
		`{ingress: i, host: a, path: /, expectPort: 80}`:                         "expectService",
		`{ingress: i, host: a, path: /, expectService: s}`:                       "expectPort",
		`{ingress: i, host: a, path: /, expectService: s, expectPort: 80, x: 1}`: "unknown field",
	} {
		if _, err := Build("ingressRoutes", []byte(params)); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("params %s: error %v, want one naming %s", params, err, field)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// withDefaultTo is an Ingress with rules and a defaultBackend to svc port 80.
func withDefaultTo(svc string, rules ...networkingv1.IngressRule) *networkingv1.Ingress {
	ing := ingOf(rules...)
	b := ingBackend(svc, 80)
	ing.Spec.DefaultBackend = &b
	return ing
}
