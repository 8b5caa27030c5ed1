package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// fakeDNS answers A questions from a table; other names are NXDOMAIN.
type fakeDNS struct {
	a    map[string][]string
	down bool
	// asked records every question, in order.
	asked []string
}

func (f *fakeDNS) Query(_ context.Context, name string, t dns.Type) (dns.Answer, error) {
	f.asked = append(f.asked, name)
	if f.down {
		return dns.Answer{}, fmt.Errorf("%w: timeout", dns.ErrUnreachable)
	}
	ips, ok := f.a[strings.TrimSuffix(name, ".")]
	if !ok {
		return dns.Answer{Name: name, Type: t, Rcode: "NXDOMAIN"}, nil
	}
	a := dns.Answer{Name: name, Type: t, Rcode: "NOERROR"}
	for _, ip := range ips {
		a.Records = append(a.Records, dns.Record{Name: name, Type: dns.A, Value: ip})
	}
	return a, nil
}

func (f *fakeDNS) Close() error { return nil }

func clientPod(name, value string, phase corev1.PodPhase) *corev1.Pod {
	p := tPod("front", name, "10.0.1.1", true, map[string]string{"app": "frontend-app"})
	p.Status.Phase = phase
	p.Spec.Containers = []corev1.Container{{Name: "web", Env: []corev1.EnvVar{{Name: "API_URL", Value: value}}}}
	return p
}

func crossSnap(pods ...*corev1.Pod) *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Deployments: []*appsv1.Deployment{tDeploy("front", "frontend-app", 2, map[string]string{"app": "frontend-app"})},
		Pods:        pods,
		Services: []*corev1.Service{
			tSvc("back", "api-service", "10.96.0.50", map[string]string{"app": "api-server"}),
			tSvc("front", "api-service", "10.96.0.77", nil),
		},
	}
}

func TestEnvDNS(t *testing.T) {
	table := map[string][]string{
		"api-service.back.svc.cluster.local": {"10.96.0.50"},
	}
	withLocal := map[string][]string{
		"api-service.back.svc.cluster.local":  {"10.96.0.50"},
		"api-service.front.svc.cluster.local": {"10.96.0.77"},
	}
	deleting := clientPod("old", "http://api-service", corev1.PodRunning)
	deleting.DeletionTimestamp = &metav1.Time{}
	tests := []struct {
		name string
		pods []*corev1.Pod
		dns  *fakeDNS
		want Status
		msg  []string
	}{
		{"short name from the wrong namespace", []*corev1.Pod{clientPod("a", "http://api-service", corev1.PodRunning), clientPod("b", "http://api-service", corev1.PodRunning)},
			&fakeDNS{a: table}, Fail, []string{"API_URL=http://api-service (2 pods: a, b)", "finds no address for api-service", "api-service.front.svc.cluster.local (NXDOMAIN)", "Expected Service api-service's ClusterIP 10.96.0.50 in namespace back"}},
		{"qualified name", []*corev1.Pod{clientPod("a", "http://api-service.back", corev1.PodRunning)},
			&fakeDNS{a: table}, Pass, []string{"api-service.back.svc.cluster.local answers 10.96.0.50"}},
		{"host:port", []*corev1.Pod{clientPod("a", "api-service.back:80", corev1.PodRunning)}, &fakeDNS{a: table}, Pass, nil},
		{"absolute name with port and path", []*corev1.Pod{clientPod("a", "http://api-service.back.svc.cluster.local.:8080/v1", corev1.PodRunning)}, &fakeDNS{a: table}, Pass, nil},
		{"shadowed by a local Service", []*corev1.Pod{clientPod("a", "http://api-service", corev1.PodRunning)},
			&fakeDNS{a: withLocal}, Fail, []string{"answers 10.96.0.77 (the ClusterIP of Service api-service in namespace front), not Service api-service's ClusterIP 10.96.0.50"}},
		{"pods disagree: old pod still running", []*corev1.Pod{clientPod("a", "http://api-service.back", corev1.PodRunning), clientPod("z", "http://api-service", corev1.PodRunning)},
			&fakeDNS{a: table}, Fail, []string{"API_URL=http://api-service (pod z)"}},
		{"deleting and pending pods are not read", []*corev1.Pod{clientPod("a", "http://api-service.back", corev1.PodRunning), deleting, clientPod("p", "x", corev1.PodPending)},
			&fakeDNS{a: table}, Pass, []string{"(pod a)"}},
		{"no running pod", []*corev1.Pod{clientPod("p", "x", corev1.PodPending)}, &fakeDNS{a: table}, Fail, []string{"no running pod"}},
		{"IP literal", []*corev1.Pod{clientPod("a", "http://10.96.0.50", corev1.PodRunning)}, &fakeDNS{a: table}, Fail, []string{"names the IP address 10.96.0.50"}},
		{"empty", []*corev1.Pod{clientPod("a", " ", corev1.PodRunning)}, &fakeDNS{a: table}, Fail, []string{"the value is empty"}},
		{"DNS down", []*corev1.Pod{clientPod("a", "http://api-service.back", corev1.PodRunning)}, &fakeDNS{down: true}, Unknown, []string{"DNS unreachable"}},
	}
	c, err := Build("envResolvesTo", []byte(`{deployment: frontend-app, env: API_URL, service: api-service, serviceNamespace: backend}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := &Env{Namespace: "front", Namespaces: map[string]string{"": "front", "backend": "back"}, Snap: crossSnap(tt.pods...), DNS: tt.dns, Domain: "cluster.local"}
			r := c.Run(context.Background(), env)
			if r.Status != tt.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tt.want, r.Message)
			}
			if r.Status != Pass && len(tt.dns.asked) > 0 && !r.Requery {
				t.Error("a verdict from DNS, which has no watch, must be asked again")
			}
			assertVoices(t, r, nil, tt.msg)
			for _, m := range tt.msg {
				if !strings.Contains(r.Diagnosis, m) {
					t.Errorf("diagnosis %q lacks %q", r.Diagnosis, m)
				}
			}
		})
	}
}

// The search path is the pod's: the first name asked carries its namespace.
func TestEnvDNSSearchPath(t *testing.T) {
	f := &fakeDNS{a: map[string][]string{"api-service.back.svc.cluster.local": {"10.96.0.50"}}}
	c, _ := Build("envResolvesTo", []byte(`{deployment: frontend-app, env: API_URL, service: api-service, serviceNamespace: backend}`))
	env := &Env{Namespace: "front", Namespaces: map[string]string{"backend": "back"}, Snap: crossSnap(clientPod("a", "http://api-service.back", corev1.PodRunning)), DNS: f, Domain: "cluster.local"}
	if r := c.Run(context.Background(), env); r.Status != Pass {
		t.Fatalf("%s: %s", r.Status, r.Message)
	}
	want := []string{"api-service.back.front.svc.cluster.local", "api-service.back.svc.cluster.local"}
	if strings.Join(f.asked, " ") != strings.Join(want, " ") {
		t.Errorf("asked %v, want %v", f.asked, want)
	}
}

func TestEnvOfValueFrom(t *testing.T) {
	p := clientPod("a", "", corev1.PodRunning)
	p.Spec.Containers[0].Env[0].ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{Key: "url"}}
	if _, err := envOf(p, "", "API_URL"); err == nil || !strings.Contains(err.Error(), "valueFrom") {
		t.Errorf("valueFrom: %v", err)
	}
	if _, err := envOf(p, "sidecar", "API_URL"); err == nil || !strings.Contains(err.Error(), "no container sidecar") {
		t.Errorf("missing container: %v", err)
	}
	if _, err := envOf(p, "", "OTHER"); err == nil || !strings.Contains(err.Error(), "no environment variable OTHER") {
		t.Errorf("missing var: %v", err)
	}
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"database":                                 "database",
		"database-service:5432":                    "database-service",
		"http://api-service":                       "api-service",
		"https://api.back.svc:8443/v1?x=1":         "api.back.svc",
		"api-service.back/v1":                      "api-service.back",
		"postgres://u:p@db.ns:5432/app":            "db.ns",
		"http://[fd00::1]:80/":                     "fd00::1",
		" database-service.ns.svc.cluster.local. ": "database-service.ns.svc.cluster.local.",
	} {
		if got, err := hostOf(in); err != nil || got != want {
			t.Errorf("hostOf(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "http://", "http://:80/x"} {
		if _, err := hostOf(bad); err == nil {
			t.Errorf("hostOf(%q) accepted", bad)
		}
	}
}

func TestEnvDNSParams(t *testing.T) {
	for _, tt := range []struct{ params, field string }{
		{`{env: A, service: s}`, "deployment"},
		{`{deployment: d, service: s}`, "env"},
		{`{deployment: d, env: A}`, "service"},
		{`{deployment: d, env: A, service: s, svcNamespace: b}`, "svcNamespace"},
	} {
		if _, err := Build("envResolvesTo", []byte(tt.params)); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v does not name %s", tt.params, err, tt.field)
		}
	}
}
