package check

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// fixWords are phrases that name a fix, a field to change or the cause; a
// symptom must contain none of them.
var fixWords = []string{
	"clusterIP: None", "clusterIP ", "headless", "cannot be changed", "immutable",
	"nodePort", "Set nodePort", " set ", "selects ", "selector", "are labelled",
	"sessionAffinity", "ClientIP", "readinessProbe", "readiness probe",
	"matches no rule", "defaultBackend", "isolated", "no ingress rule",
	"use the name", "expose it as", "type NodePort", "load-balancer provider", "serviceName",
	"it tried", "search",
}

// assertVoices checks both voices of r: a symptom and a diagnosis are always
// there, the symptom holds every string in symptom and names no fix, and
// the diagnosis holds every string in diagnosis.
func assertVoices(t *testing.T, r Result, symptom, diagnosis []string) {
	t.Helper()
	if r.Message == "" || r.Diagnosis == "" {
		t.Fatalf("a voice is missing: symptom %q, diagnosis %q", r.Message, r.Diagnosis)
	}
	for _, s := range symptom {
		if !strings.Contains(r.Message, s) {
			t.Errorf("symptom %q lacks %q", r.Message, s)
		}
	}
	for _, d := range diagnosis {
		if !strings.Contains(r.Diagnosis, d) {
			t.Errorf("diagnosis %q lacks %q", r.Diagnosis, d)
		}
	}
	for _, w := range fixWords {
		if strings.Contains(r.Message, w) {
			t.Errorf("symptom %q names the fix or its cause (%q)", r.Message, w)
		}
	}
}

func voiceProbeSnap(probe *corev1.Probe) *snapshot.Snapshot {
	l := map[string]string{"app": "web-app"}
	d := tDeploy("ns", "web-app", 2, l)
	d.Generation, d.Status.ObservedGeneration = 1, 1
	d.Status.UpdatedReplicas, d.Status.Replicas = 2, 2
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "web", ReadinessProbe: probe,
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}
	svc := tSvc("ns", "web-service", "10.96.0.40", l)
	svc.Spec.Ports[0].TargetPort = intstr.FromString("http")
	return &snapshot.Snapshot{Deployments: []*appsv1.Deployment{d}, Services: []*corev1.Service{svc},
		Pods: []*corev1.Pod{tPod("ns", "web-app-1", "10.0.0.1", true, l), tPod("ns", "web-app-2", "10.0.0.2", true, l)},
		EndpointSlices: []*discoveryv1.EndpointSlice{tSlice("ns", "web-service",
			tEP{ip: "10.0.0.1", pod: "web-app-1", ready: true}, tEP{ip: "10.0.0.2", pod: "web-app-2", ready: true})}}
}

func voiceExposedSnap(typ corev1.ServiceType, nodePort int32, lbIP string) *snapshot.Snapshot {
	svc := tSvc("ns", "web-service", "10.96.0.41", map[string]string{"app": "web-app"})
	svc.Spec.Type, svc.Spec.Ports[0].NodePort, svc.Spec.Ports[0].Protocol = typ, nodePort, corev1.ProtocolTCP
	if lbIP != "" {
		svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: lbIP}}
	}
	return &snapshot.Snapshot{Services: []*corev1.Service{svc},
		EndpointSlices: []*discoveryv1.EndpointSlice{tSlice("ns", "web-service", tEP{ip: "10.0.0.1", pod: "web-app-1", ready: true})}}
}

// TestVoices runs each check type in the broken state of the level that uses
// it, and once fixed, and asserts both voices: the symptom is what a client
// would observe, the diagnosis names the cause.
func TestVoices(t *testing.T) {
	vip := l30HeadlessDNS()
	vip.records["A web-cluster."+l30NS+".svc.cluster.local"] = []string{"10.96.100.50"}
	l30 := func(clusterIP string) *snapshot.Snapshot {
		return &snapshot.Snapshot{Services: []*corev1.Service{l30Svc(clusterIP, l30Sel)}, StatefulSets: []*appsv1.StatefulSet{l30Sts("web-cluster", 3, 3)}, Pods: l30Pods()}
	}
	httpProbe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")}}}
	nsDNS := &fakeDNS{a: map[string][]string{"api-service.back.svc.cluster.local": {"10.96.0.50"}}}
	npSnap := &snapshot.Snapshot{}
	for _, n := range []string{"frontend", "backend", "admin-tool"} {
		d, p := npDeploy(n)
		npSnap.Deployments, npSnap.Pods = append(npSnap.Deployments, d), append(npSnap.Pods, p)
	}
	npSnap.NetworkPolicies = []*networkingv1.NetworkPolicy{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "backend-network-policy"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: *npSel("app", "backend"), PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: npSel("app", "admin-tool")}}}}}}}
	ingSvc := tSvc("ns", "web-service", "10.96.0.42", map[string]string{"app": "web-app"})
	for _, tc := range []struct {
		name, typ, params string
		env               *Env
		want              Status
		symptom, diag     []string
	}{
		{"30 headless broken", "serviceHeadless", `{service: web-cluster}`, &Env{Snap: l30("10.96.100.50")}, Fail,
			[]string{"one virtual IP, 10.96.100.50"}, []string{"clusterIP: None", "cannot be changed in place"}},
		{"30 headless fixed", "serviceHeadless", `{service: web-cluster}`, &Env{Snap: l30("None")}, Pass,
			[]string{"no virtual IP of its own"}, []string{"clusterIP: None"}},
		{"30 service DNS broken", "headlessServiceDNS", `{service: web-cluster}`, &Env{Snap: l30("10.96.100.50"), DNS: vip}, Fail,
			[]string{"web-cluster.p1.svc.cluster.local answers one address, 10.96.100.50", "peers cannot find each other"}, []string{"virtual IP", "clusterIP: None"}},
		{"30 pod DNS answered without headless", "statefulSetPodDNS", `{statefulSet: web, service: web-cluster}`, &Env{Snap: l30("10.96.100.50"), DNS: vip}, Pass,
			[]string{"web-0.web-cluster.p1.svc.cluster.local → 10.244.0.1"}, []string{"promises them only for headless Services"}},
		{"30 wiring", "statefulSetService", `{statefulSet: web, service: web-cluster}`, &Env{Snap: l30("10.96.100.50")}, Pass,
			[]string{"named under Service web-cluster"}, []string{"serviceName web-cluster"}},
		{"21 endpoints broken", "serviceEndpoints", `{service: backend-service, kind: Deployment, name: backend}`, &Env{Snap: backendSnap(map[string]string{"app": "backend-app"})}, Fail,
			[]string{"backend-service has no endpoints: requests to it get no answer"}, []string{"selects app=backend-app", "labelled app=backend,tier=api"}},
		{"22 nodePort broken", "serviceNodePort", `{service: web-nodeport, port: 80, nodePort: 30080}`,
			&Env{Snap: &snapshot.Snapshot{Services: []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 31447)}}}, Fail,
			[]string{"answers on port 31447 of every node, not on 30080"}, []string{"Set nodePort: 30080"}},
		{"27 env DNS broken", "envResolvesTo", `{deployment: frontend-app, env: API_URL, service: api-service, serviceNamespace: backend}`,
			&Env{Snap: crossSnap(clientPod("a", "http://api-service", corev1.PodRunning)), DNS: nsDNS}, Fail,
			[]string{"find no address for api-service"}, []string{"it tried api-service.front.svc.cluster.local (NXDOMAIN)"}},
		{"24 ingress broken", "ingressRoutes", `{ingress: web-ingress, host: myapp.local, path: /, expectService: web-service, expectPort: 80}`,
			&Env{Snap: &snapshot.Snapshot{Ingresses: []*networkingv1.Ingress{ingOf(ingRule("myapp.local", ingPath("/api", pPrefix, "web-service")))}, Services: []*corev1.Service{ingSvc}}}, Fail,
			[]string{"would get 404"}, []string{"matches no rule", "/api Prefix"}},
		{"25 policy broken", "networkPolicyAllows", `{cases: [{name: front, fromDeployment: frontend, toDeployment: backend, port: 8080, expect: allow}]}`,
			&Env{Snap: npSnap}, Fail, []string{"front is refused, expected let through"}, []string{"isolated for ingress by NetworkPolicy backend-network-policy"}},
		{"26 affinity broken", "sessionAffinity", `{service: session-service, minReadyEndpoints: 2}`,
			&Env{Snap: &snapshot.Snapshot{Services: []*corev1.Service{affinitySvc("", nil)}, EndpointSlices: []*discoveryv1.EndpointSlice{tSlice("ns", "session-service", tEP{ip: "10.0.0.1", pod: "s-1", ready: true}, tEP{ip: "10.0.0.2", pod: "s-2", ready: true})}}}, Fail,
			[]string{"may land on any of its 2 ready pods"}, []string{"sessionAffinity None"}},
		{"28 probe missing", "readinessProbe", `{deployment: web-app, service: web-service}`, &Env{Snap: voiceProbeSnap(nil)}, Fail,
			[]string{"the moment its containers start"}, []string{"has no readinessProbe"}},
		{"28 probe on an undeclared port", "readinessProbe", `{deployment: web-app, service: web-service}`,
			&Env{Snap: voiceProbeSnap(&corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(9090)}}})}, Fail,
			[]string{"nothing asks the app"}, []string{"targets port 9090, which container web does not declare"}},
		{"28 fixed", "readinessProbe", `{deployment: web-app, service: web-service}`, &Env{Snap: voiceProbeSnap(httpProbe)}, Pass,
			[]string{"gets traffic only once it answers"}, []string{"httpGet /healthz on port http = 8080"}},
		{"29 pending", "serviceExposed", `{service: web-service}`, &Env{Snap: voiceExposedSnap(corev1.ServiceTypeLoadBalancer, 31999, "")}, Fail,
			[]string{"EXTERNAL-IP <pending>"}, []string{"no load-balancer provider", "node port 31999/TCP"}},
		{"29 ClusterIP", "serviceExposed", `{service: web-service}`, &Env{Snap: voiceExposedSnap(corev1.ServiceTypeClusterIP, 0, "")}, Fail,
			[]string{"no address a client outside the cluster can reach"}, []string{"expose it as NodePort or LoadBalancer"}},
		{"29 fixed as NodePort", "serviceExposed", `{service: web-service}`, &Env{Snap: voiceExposedSnap(corev1.ServiceTypeNodePort, 31999, "")}, Pass,
			[]string{"answers from outside the cluster on every node"}, []string{"is type NodePort"}},
		{"29 with an address", "serviceExposed", `{service: web-service}`, &Env{Snap: voiceExposedSnap(corev1.ServiceTypeLoadBalancer, 31999, "203.0.113.7")}, Pass,
			[]string{"at 203.0.113.7"}, []string{"type LoadBalancer with address 203.0.113.7"}},
		{"ready", "workloadReady", `{kind: StatefulSet, name: web}`, &Env{Snap: l30("None")}, Pass,
			[]string{"3 of 3 replicas ready"}, []string{"3 of 3 replicas ready"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Build(tc.typ, []byte(tc.params))
			if err != nil {
				t.Fatal(err)
			}
			env := tc.env
			env.Domain = "cluster.local"
			env.Namespace = "ns"
			if env.Snap.Service(l30NS, "web-cluster") != nil {
				env.Namespace = l30NS
			}
			if tc.typ == "envResolvesTo" {
				env.Namespace, env.Namespaces = "front", map[string]string{"backend": "back"}
			}
			r := c.Run(context.Background(), env)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s / %s", r.Status, tc.want, r.Message, r.Diagnosis)
			}
			assertVoices(t, r, tc.symptom, tc.diag)
		})
	}
}
