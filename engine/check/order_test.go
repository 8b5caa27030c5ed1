package check

import (
	"context"
	"math/rand/v2"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// The world of the order test: one namespace holding several objects of
// every kind, chosen so that a check reading them in list order would name
// a different policy, pod or endpoint depending on that order.
const orderNS = "app"

var (
	webLabels    = map[string]string{"app": "web", "tier": "front"}
	strayLabels  = map[string]string{"app": "web"}
	clientLabels = map[string]string{"app": "client"}
	dbLabels     = map[string]string{"app": "db"}
)

func orderWebDeploy() *appsv1.Deployment {
	d := tDeploy(orderNS, "web", 4, webLabels)
	d.Generation = 1
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 4, UpdatedReplicas: 4, ReadyReplicas: 2}
	d.Spec.Template.Spec.Containers = []corev1.Container{{
		Name:  "srv",
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromString("http")}}},
	}}
	return d
}

func orderPods() []*corev1.Pod {
	var out []*corev1.Pod
	web := func(name, ip string, ready bool) *corev1.Pod {
		p := tPod(orderNS, name, ip, ready, webLabels)
		p.Spec.Containers = []corev1.Container{{Name: "srv", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}
		return p
	}
	out = append(out, web("web-a", "10.1.0.1", true), web("web-b", "10.1.0.2", true),
		web("web-c", "10.1.0.3", false), web("web-d", "10.1.0.4", false))
	for i, n := range []string{"stray-1", "stray-2", "stray-3", "stray-4"} {
		out = append(out, tPod(orderNS, n, "10.1.1."+string(rune('1'+i)), true, strayLabels))
	}
	for _, n := range []string{"client-1", "client-2", "client-3", "client-4", "client-5"} {
		p := tPod(orderNS, n, "10.1.2.1", true, clientLabels)
		p.Spec.Containers = []corev1.Container{{Name: "c", Env: []corev1.EnvVar{{Name: "API_URL", Value: "http://api:80"}}}}
		out = append(out, p)
	}
	// Two host-network pods share the node's address, which DNS answers.
	out = append(out, tPod(orderNS, "twin-a", "10.1.0.9", true, map[string]string{"app": "twin"}),
		tPod(orderNS, "twin-b", "10.1.0.9", true, map[string]string{"app": "twin"}))
	for i, n := range []string{"db-0", "db-1", "db-2"} {
		p := tPod(orderNS, n, "10.1.3."+string(rune('1'+i)), true, dbLabels)
		p.Spec.Hostname, p.Spec.Subdomain = n, "db"
		out = append(out, p)
	}
	return out
}

func orderServices() []*corev1.Service {
	front := tSvc(orderNS, "web-front", "10.96.0.21", webLabels)
	front.Spec.Type = corev1.ServiceTypeNodePort
	front.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080, Protocol: corev1.ProtocolTCP}}
	front.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
	front.Spec.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: i32(60)}}
	// No cluster lets two Services hold one node port, but a snapshot taken
	// while one gives it up and another takes it may show both; the verdict
	// must still name the same one whatever the order.
	legacy := tSvc(orderNS, "legacy", "10.96.0.22", map[string]string{"app": "legacy"})
	legacy.Spec.Type = corev1.ServiceTypeNodePort
	legacy.Spec.Ports = []corev1.ServicePort{{Port: 53, NodePort: 30080, Protocol: corev1.ProtocolUDP}}
	np := tSvc(orderNS, "web-np", "10.96.0.23", webLabels)
	np.Spec.Type = corev1.ServiceTypeNodePort
	np.Spec.Ports = []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080), NodePort: 30099, Protocol: corev1.ProtocolTCP}}
	return []*corev1.Service{
		tSvc(orderNS, "web", "10.96.0.20", strayLabels), front, legacy, np,
		tSvc(orderNS, "api", "10.96.0.10", map[string]string{"app": "api"}),
		tSvc(orderNS, "db", corev1.ClusterIPNone, dbLabels),
	}
}

func orderSlices() []*discoveryv1.EndpointSlice {
	a := tSlice(orderNS, "web-front", tEP{ip: "10.1.0.1", pod: "web-a", ready: true}, tEP{ip: "10.1.0.2", pod: "web-b", ready: true},
		tEP{ip: "10.1.0.3", pod: "web-c"}, tEP{ip: "10.1.0.4", pod: "web-d"})
	a.Name = "web-front-a"
	// A second slice disagrees about web-b and names 10.1.0.4 after another pod.
	b := tSlice(orderNS, "web-front", tEP{ip: "10.1.0.2", pod: "web-b"}, tEP{ip: "10.1.0.4", pod: "web-d2"})
	b.Name = "web-front-b"
	unnamed := ""
	for _, s := range []*discoveryv1.EndpointSlice{a, b} {
		s.Ports = []discoveryv1.EndpointPort{{Name: &unnamed, Port: i32(8080)}}
	}
	c := tSlice(orderNS, "web-np", tEP{ip: "10.1.0.1", pod: "web-a", ready: true})
	c.Name = "web-np-a"
	d := tSlice(orderNS, "web-np", tEP{ip: "10.1.0.1", pod: "web-a"}, tEP{ip: "10.1.0.3", pod: "web-c"})
	d.Name = "web-np-b"
	return []*discoveryv1.EndpointSlice{a, b, c, d}
}

func orderPolicies() []*networkingv1.NetworkPolicy {
	ingress := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	var out []*networkingv1.NetworkPolicy
	for _, n := range []string{"deny-b", "deny-a"} {
		out = append(out, npPol(n, &metav1.LabelSelector{MatchLabels: webLabels}, ingress, nil, nil))
	}
	for _, n := range []string{"allow-y", "allow-x"} {
		rule := networkingv1.NetworkPolicyIngressRule{From: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", "client")}),
			Ports: []networkingv1.NetworkPolicyPort{npPort(intstr.FromInt32(8080))}}
		out = append(out, npPol(n, &metav1.LabelSelector{MatchLabels: webLabels}, ingress, []networkingv1.NetworkPolicyIngressRule{rule}, nil))
	}
	for _, p := range out {
		p.Namespace = orderNS
	}
	return out
}

func orderSnapshot() *snapshot.Snapshot {
	db := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: orderNS, Name: "db", Generation: 1},
		Spec: appsv1.StatefulSetSpec{Replicas: i32(3), ServiceName: "db", Selector: &metav1.LabelSelector{MatchLabels: dbLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: dbLabels}}},
		Status: appsv1.StatefulSetStatus{ObservedGeneration: 1, Replicas: 3, ReadyReplicas: 3, UpdatedReplicas: 3},
	}
	ing := ingOf(ingRule("shop.local", ingPath("/", networkingv1.PathTypePrefix, "web-front")))
	ing.Namespace, ing.Name = orderNS, "shop"
	return &snapshot.Snapshot{
		Services:        orderServices(),
		Pods:            orderPods(),
		EndpointSlices:  orderSlices(),
		StatefulSets:    []*appsv1.StatefulSet{db},
		Deployments:     []*appsv1.Deployment{orderWebDeploy(), tDeploy(orderNS, "client", 5, clientLabels)},
		Ingresses:       []*networkingv1.Ingress{ing},
		NetworkPolicies: orderPolicies(),
		Namespaces:      []string{orderNS},
	}
}

func orderDNS() *l30DNS {
	base := orderNS + ".svc.cluster.local"
	return &l30DNS{ttl: 5, records: map[string][]string{
		"A api." + base:       {"10.1.0.9"},
		"A db-0.db." + base:   {"10.1.3.1"},
		"A db-1.db." + base:   {"10.1.3.2"},
		"A db-2.db." + base:   {"10.1.3.3"},
		"A db." + base:        {"10.1.3.3", "10.1.3.1", "10.1.3.2"},
		"SRV db." + base:      {"db-2.db." + base, "db-0.db." + base},
		"A web-front." + base: {"10.96.0.21"},
	}}
}

// shuffled returns a copy of s with every list in a random order.
func shuffled(s *snapshot.Snapshot, r *rand.Rand) *snapshot.Snapshot {
	c := *s
	c.Services = shuffle(r, s.Services)
	c.Pods = shuffle(r, s.Pods)
	c.EndpointSlices = shuffle(r, s.EndpointSlices)
	c.StatefulSets = shuffle(r, s.StatefulSets)
	c.Deployments = shuffle(r, s.Deployments)
	c.Ingresses = shuffle(r, s.Ingresses)
	c.NetworkPolicies = shuffle(r, s.NetworkPolicies)
	c.Namespaces = shuffle(r, s.Namespaces)
	return &c
}

func shuffle[T any](r *rand.Rand, xs []T) []T {
	out := append([]T(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// orderCases gives every check type one or more parameter sets whose
// verdict names things the snapshot lists in some order.
var orderCases = []struct{ typ, params string }{
	{"networkPolicyAllows", `{cases: [{name: admitted, fromDeployment: client, toDeployment: web, port: 8080, expect: deny}]}`},
	{"networkPolicyAllows", `{cases: [{name: refused, fromLabels: {app: client}, toDeployment: web, port: 9090, expect: allow}]}`},
	{"networkPolicyAllows", `{cases: [{name: ok, fromDeployment: client, toDeployment: web, port: 8080, expect: allow}]}`},
	{"serviceEndpoints", `{service: web, kind: Deployment, name: web}`},
	{"serviceEndpoints", `{service: web-front, kind: Deployment, name: web}`},
	{"sessionAffinity", `{service: web-front, minReadyEndpoints: 2}`},
	{"sessionAffinity", `{service: web-front, minReadyEndpoints: 5}`},
	{"envResolvesTo", `{deployment: client, env: API_URL, service: api}`},
	{"serviceHeadless", `{service: web}`},
	{"ingressRoutes", `{ingress: shop, host: shop.local, path: /cart, expectService: web-front, expectPort: 80}`},
	{"serviceNodePort", `{service: web-np, port: 80, nodePort: 30080}`},
	{"statefulSetPodDNS", `{statefulSet: db, service: db}`},
	{"readinessProbe", `{deployment: web}`},
	{"readinessProbe", `{deployment: web, service: web-front}`},
	{"readinessProbe", `{deployment: web, service: web-np}`},
	{"workloadReady", `{kind: Deployment, name: web}`},
	{"workloadReady", `{kind: StatefulSet, name: db}`},
	{"headlessServiceDNS", `{service: db}`},
	{"statefulSetService", `{statefulSet: db, service: db}`},
	{"serviceExposed", `{service: web-front}`},
	{"serviceExposed", `{service: web-np}`},
}

// TestVerdictsDoNotDependOnListOrder: the same objects listed in any order
// give every check the same verdict, word for word, so that an unchanged
// cluster never produces a "new" verdict.
func TestVerdictsDoNotDependOnListOrder(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range orderCases {
		covered[tc.typ] = true
	}
	for _, typ := range Types() {
		if !covered[typ] {
			t.Errorf("check type %s has no case in orderCases", typ)
		}
	}
	base := orderSnapshot()
	for _, tc := range orderCases {
		t.Run(tc.typ+" "+tc.params, func(t *testing.T) {
			c, err := Build(tc.typ, []byte(tc.params))
			if err != nil {
				t.Fatal(err)
			}
			run := func(s *snapshot.Snapshot) Result {
				return c.Run(context.Background(), &Env{Namespace: orderNS, Snap: s, DNS: orderDNS(), Domain: "cluster.local"})
			}
			want := run(base)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 40 {
				got := run(shuffled(base, r))
				if got.Status != want.Status || got.Message != want.Message {
					t.Fatalf("shuffle %d gave\n  %s %q\nwhere the listed order gave\n  %s %q", i, got.Status, got.Message, want.Status, want.Message)
				}
			}
		})
	}
}
