package check

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// l30DNS answers from a table keyed by "TYPE name".
type l30DNS struct {
	records map[string][]string
	down    bool
	ttl     uint32
}

func (f *l30DNS) Query(_ context.Context, name string, t dns.Type) (dns.Answer, error) {
	if f.down {
		return dns.Answer{}, dns.ErrUnreachable
	}
	vals, ok := f.records[string(t)+" "+name]
	a := dns.Answer{Name: name, Type: t, Rcode: "NOERROR"}
	if !ok {
		a.Rcode = "NXDOMAIN"
	}
	for _, v := range vals {
		r := dns.Record{Name: name, Type: t, Value: v, TTL: f.ttl}
		if t == dns.SRV {
			r.Target = v + "."
		}
		a.Records = append(a.Records, r)
	}
	return a, nil
}

func (f *l30DNS) Close() error { return nil }

const l30NS = "p1"

func l30Svc(clusterIP string, sel map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web-cluster", Namespace: l30NS},
		Spec:       corev1.ServiceSpec{ClusterIP: clusterIP, Selector: sel},
	}
}

func l30Sts(serviceName string, replicas, ready int32) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: l30NS, Generation: 1},
		Spec: appsv1.StatefulSetSpec{
			Replicas: &replicas, ServiceName: serviceName,
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web-cluster"}}},
		},
		Status: appsv1.StatefulSetStatus{ObservedGeneration: 1, ReadyReplicas: ready, UpdatedReplicas: replicas},
	}
}

func l30Pod(name, ip string, ready bool) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: l30NS, Labels: map[string]string{"app": "web-cluster"}},
		Spec:       corev1.PodSpec{Hostname: name, Subdomain: "web-cluster"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

var l30Sel = map[string]string{"app": "web-cluster"}

func l30Pods() []*corev1.Pod {
	return []*corev1.Pod{l30Pod("web-0", "10.244.0.1", true), l30Pod("web-1", "10.244.0.2", true), l30Pod("web-2", "10.244.0.3", true)}
}

func l30HeadlessDNS() *l30DNS {
	base := l30NS + ".svc.cluster.local"
	return &l30DNS{records: map[string][]string{
		"A web-0.web-cluster." + base: {"10.244.0.1"},
		"A web-1.web-cluster." + base: {"10.244.0.2"},
		"A web-2.web-cluster." + base: {"10.244.0.3"},
		"A web-cluster." + base:       {"10.244.0.1", "10.244.0.2", "10.244.0.3"},
		"SRV web-cluster." + base:     {"web-0.web-cluster." + base, "web-1.web-cluster." + base, "web-2.web-cluster." + base},
	}}
}

func TestLevel30Checks(t *testing.T) {
	vip := l30HeadlessDNS()
	vip.records["A web-cluster."+l30NS+".svc.cluster.local"] = []string{"10.96.100.50"}
	for _, tc := range []struct {
		name, typ, params string
		snap              *snapshot.Snapshot
		dns               *l30DNS
		want              Status
		says              string
	}{
		{"headless ok", "serviceHeadless", `{service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}}, nil, Pass, "clusterIP: None"},
		{"virtual IP", "serviceHeadless", `{service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("10.96.100.50", l30Sel)}}, nil, Fail, "clusterIP 10.96.100.50, a virtual IP"},
		{"no service", "serviceHeadless", `{service: web-cluster}`, &snapshot.Snapshot{}, nil, Fail, "does not exist in namespace p1"},
		{"wiring ok", "statefulSetService", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: l30Pods()}, nil, Pass, "(3 running)"},
		{"other serviceName", "statefulSetService", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, StatefulSets: []*appsv1.StatefulSet{l30Sts("other", 3, 3)}}, nil, Fail, `serviceName "other"`},
		{"selector off", "statefulSetService", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", map[string]string{"app": "x"})}, StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}}, nil, Fail, "selects app=x"},
		{"not ready", "workloadReady", `{kind: StatefulSet, name: web}`, &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 2)}, Pods: []*corev1.Pod{l30Pod("web-0", "10.244.0.1", true), l30Pod("web-1", "10.244.0.2", false)}}, nil, Fail, "2 of 3 replicas ready, 3 updated; not ready: web-1 (running, not ready)"},
		{"old pods linger", "workloadReady", `{kind: StatefulSet, name: web}`, &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{func() *appsv1.StatefulSet { o := l30Sts("web-cluster", 2, 3); o.Status.Replicas = 3; return o }()}}, nil, Fail, "rollout still in progress: 3 pods exist and 3 are ready for 2 replicas"},
		{"ready", "workloadReady", `{kind: StatefulSet, name: web}`, &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}}, nil, Pass, "3 of 3"},
		{"pod dns ok", "statefulSetPodDNS", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: l30Pods()}, l30HeadlessDNS(), Pass, "web-2.web-cluster.p1.svc.cluster.local → 10.244.0.3"},
		{"pod dns stale", "statefulSetPodDNS", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: []*corev1.Pod{l30Pod("web-0", "10.244.0.1", true), l30Pod("web-1", "10.244.0.2", true), l30Pod("web-2", "10.244.0.9", true)}}, l30HeadlessDNS(), Fail, "→ 10.244.0.3; expected pod web-2's IP 10.244.0.9"},
		{"pod dns down", "statefulSetPodDNS", `{statefulSet: web, service: web-cluster}`, &snapshot.Snapshot{StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: l30Pods()}, &l30DNS{down: true}, Unknown, "DNS unreachable"},
		{"service dns ok", "headlessServiceDNS", `{service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, Pods: l30Pods()}, l30HeadlessDNS(), Pass, "answers the 3 ready pod IPs"},
		{"service dns vip", "headlessServiceDNS", `{service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("10.96.100.50", l30Sel)}, Pods: l30Pods()}, vip, Fail, "resolves to 10.96.100.50, a virtual IP; expected the 3 ready pod IPs"},
		{"service dns unready pod", "headlessServiceDNS", `{service: web-cluster}`, &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, Pods: []*corev1.Pod{l30Pod("web-0", "10.244.0.1", true), l30Pod("web-1", "10.244.0.2", true), l30Pod("web-2", "10.244.0.3", false)}}, l30HeadlessDNS(), Fail, "the ready pods are exactly 10.244.0.1, 10.244.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Build(tc.typ, []byte(tc.params))
			if err != nil {
				t.Fatal(err)
			}
			env := &Env{Namespace: l30NS, Snap: tc.snap, Domain: "cluster.local"}
			if tc.dns != nil {
				env.DNS = tc.dns
			}
			r := c.Run(context.Background(), env)
			if r.Status != tc.want {
				t.Fatalf("got %s %q, want %s", r.Status, r.Message, tc.want)
			}
			assertVoices(t, r, nil, []string{tc.says})
			if !strings.Contains(r.Diagnosis, tc.says) {
				t.Fatalf("diagnosis %q lacks %q", r.Diagnosis, tc.says)
			}
		})
	}
}

// TestSettlingWhenDNSContradictsTheAPI: a headless Service whose name still
// answers a virtual IP is a cached answer; the result says how long to wait.
func TestSettlingWhenDNSContradictsTheAPI(t *testing.T) {
	stale := l30HeadlessDNS()
	stale.records["A web-cluster."+l30NS+".svc.cluster.local"] = []string{"10.96.100.50"}
	stale.ttl = 4
	c, _ := Build("headlessServiceDNS", []byte(`{service: web-cluster}`))
	env := &Env{Namespace: l30NS, Domain: "cluster.local", DNS: stale, Snap: &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, Pods: l30Pods()}}
	r := c.Run(context.Background(), env)
	if r.Status != Fail || r.Settling != 5*time.Second {
		t.Fatalf("got %s settling %s, want a failure settling for 5s", r.Status, r.Settling)
	}
	env.Snap.Services = []*corev1.Service{l30Svc("10.96.100.50", l30Sel)}
	if r := c.Run(context.Background(), env); r.Settling != 0 {
		t.Fatalf("a Service with a virtual IP answering it is not a cached answer, yet settling %s", r.Settling)
	}
}

func TestBuildRejectsBadParams(t *testing.T) {
	for _, tc := range []struct{ typ, params, says string }{
		{"serviceHeadless", `{}`, "service is required"},
		{"serviceHeadless", `{service: a, extra: 1}`, `unknown field "extra"`},
		{"workloadReady", `{kind: Pod, name: a}`, "kind must be Deployment or StatefulSet"},
		{"noSuchCheck", `{}`, `unknown check type "noSuchCheck"`},
	} {
		_, err := Build(tc.typ, []byte(tc.params))
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s %s: error %v, want %q", tc.typ, tc.params, err, tc.says)
		}
	}
}

// A DNS answer that contradicts the API while the Service is headless may
// be cached from before the fix: the symptom says answers are cached until
// their TTL runs out. The broken state's virtual IP answer says nothing of
// the kind (it is no cache; it is the cluster's answer).
func TestSettlingSymptomSaysCached(t *testing.T) {
	threeReady := &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("None", l30Sel)}, StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)},
		Pods: []*corev1.Pod{l30Pod("web-0", "10.244.0.1", true), l30Pod("web-1", "10.244.0.2", true), l30Pod("web-2", "10.244.0.9", true)}}
	broken := &snapshot.Snapshot{Services: []*corev1.Service{l30Svc("10.96.100.50", l30Sel)}, Pods: l30Pods()}
	vip := l30HeadlessDNS()
	vip.records["A web-cluster."+l30NS+".svc.cluster.local"] = []string{"10.96.100.50"}
	for _, tc := range []struct {
		name, typ, params string
		snap              *snapshot.Snapshot
		dns               *l30DNS
		cached            bool
	}{
		{"pod moved", "statefulSetPodDNS", `{statefulSet: web, service: web-cluster}`, threeReady, l30HeadlessDNS(), true},
		{"headless, old answer", "headlessServiceDNS", `{service: web-cluster}`, threeReady, l30HeadlessDNS(), true},
		{"virtual IP", "headlessServiceDNS", `{service: web-cluster}`, broken, vip, false},
	} {
		c, err := Build(tc.typ, []byte(tc.params))
		if err != nil {
			t.Fatal(err)
		}
		r := c.Run(context.Background(), &Env{Namespace: l30NS, Snap: tc.snap, Domain: "cluster.local", DNS: tc.dns})
		if r.Status != Fail || (r.Settling > 0) != tc.cached || strings.HasSuffix(r.Message, settlingNote) != tc.cached {
			t.Errorf("%s: %s, settling %v, symptom %q; want the cache named: %t", tc.name, r.Status, r.Settling, r.Message, tc.cached)
		}
	}
}
