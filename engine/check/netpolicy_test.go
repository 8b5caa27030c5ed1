package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func npSel(kv ...string) *metav1.LabelSelector {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return &metav1.LabelSelector{MatchLabels: m}
}

func npPol(name string, sel *metav1.LabelSelector, types []networkingv1.PolicyType, in []networkingv1.NetworkPolicyIngressRule, out []networkingv1.NetworkPolicyEgressRule) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: *sel, PolicyTypes: types, Ingress: in, Egress: out}}
}

func npFrom(peers ...networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer { return peers }

func npPort(p intstr.IntOrString) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Port: &p}
}

func TestNetworkPolicyEvaluate(t *testing.T) {
	ingress := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	egress := []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	udp := corev1.ProtocolUDP
	end := int32(8090)
	p8080 := intstr.FromInt32(8080)
	backend := NPPod{Namespace: "app", Labels: map[string]string{"app": "backend"}, Name: "backend",
		Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}
	frontend := NPPod{Namespace: "app", Labels: map[string]string{"app": "frontend"}, Name: "frontend"}
	admin := NPPod{Namespace: "app", Labels: map[string]string{"app": "admin-tool"}, Name: "admin"}
	other := NPPod{Namespace: "app", Labels: map[string]string{"app": "other"}, Name: "other"}
	monitor := NPPod{Namespace: "monitoring", Labels: map[string]string{"app": "prometheus"}, Name: "prom"}
	onlyAdmin := npPol("only-admin", npSel("app", "backend"), ingress,
		[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", "admin-tool")}), Ports: []networkingv1.NetworkPolicyPort{npPort(p8080)}}}, nil)
	allowFrontend := npPol("allow-frontend", npSel("app", "backend"), nil,
		[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", "frontend")})}}, nil)
	denyAll := npPol("deny-all", &metav1.LabelSelector{}, ingress, nil, nil)
	allowAll := npPol("allow-all", &metav1.LabelSelector{}, ingress, []networkingv1.NetworkPolicyIngressRule{{}}, nil)
	frontendAt := frontend
	frontendAt.IPs = []string{"10.244.0.7"}
	otherMayGet := other
	otherMayGet.MayGet = []string{"10.244.0.7"}
	everyAddr := npPol("cidr", npSel("app", "backend"), ingress,
		[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}})}}, nil)
	otherNS := npPol("elsewhere", npSel("app", "backend"), ingress, nil, nil)
	otherNS.Namespace = "monitoring"

	tests := []struct {
		name   string
		pols   []*networkingv1.NetworkPolicy
		src    NPPod
		dst    NPPod
		port   intstr.IntOrString
		proto  corev1.Protocol
		allow  bool
		reason string
	}{
		{"no policy: open", nil, other, backend, p8080, "", true, "accepts all traffic"},
		{"policy in another namespace does not isolate", []*networkingv1.NetworkPolicy{otherNS}, other, backend, p8080, "", true, "no NetworkPolicy selects"},
		{"selector not matching does not isolate", []*networkingv1.NetworkPolicy{npPol("x", npSel("app", "db"), ingress, nil, nil)}, other, backend, p8080, "", true, "accepts all"},
		{"only admin: frontend denied", []*networkingv1.NetworkPolicy{onlyAdmin}, frontend, backend, p8080, "", false, "isolated for ingress by NetworkPolicy only-admin"},
		{"only admin: admin allowed", []*networkingv1.NetworkPolicy{onlyAdmin}, admin, backend, p8080, "", true, "only-admin admits"},
		{"only admin: admin on another port denied", []*networkingv1.NetworkPolicy{onlyAdmin}, admin, backend, intstr.FromInt32(9090), "", false, "TCP/9090"},
		{"only admin: admin over UDP denied", []*networkingv1.NetworkPolicy{onlyAdmin}, admin, backend, p8080, udp, false, "UDP/8080"},
		{"policies add up", []*networkingv1.NetworkPolicy{onlyAdmin, allowFrontend}, frontend, backend, p8080, "", true, "allow-frontend admits"},
		{"policies add up, other still denied", []*networkingv1.NetworkPolicy{onlyAdmin, allowFrontend}, other, backend, p8080, "", false, "allow-frontend, only-admin"},
		{"empty podSelector selects all, no rules deny", []*networkingv1.NetworkPolicy{denyAll}, admin, backend, p8080, "", false, "deny-all"},
		{"empty rule allows all", []*networkingv1.NetworkPolicy{denyAll, allowAll}, other, backend, p8080, "", true, "allow-all"},
		{"no policyTypes with ingress rules means Ingress", []*networkingv1.NetworkPolicy{allowFrontend}, other, backend, p8080, "", false, "allow-frontend"},
		{"no policyTypes, no rules still isolates ingress", []*networkingv1.NetworkPolicy{npPol("bare", npSel("app", "backend"), nil, nil, nil)}, other, backend, p8080, "", false, "bare"},
		{"egress-only policy does not isolate ingress", []*networkingv1.NetworkPolicy{npPol("eg", npSel("app", "backend"), egress, nil, nil)}, other, backend, p8080, "", true, "accepts all"},
		{"egress isolation of the source", []*networkingv1.NetworkPolicy{npPol("eg", npSel("app", "frontend"), egress, nil, nil)}, frontend, backend, p8080, "", false, "isolated for egress by NetworkPolicy eg"},
		{"egress rule to backend allows", []*networkingv1.NetworkPolicy{npPol("eg", npSel("app", "frontend"), egress, nil,
			[]networkingv1.NetworkPolicyEgressRule{{To: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", "backend")}), Ports: []networkingv1.NetworkPolicyPort{npPort(intstr.FromString("http"))}}})}, frontend, backend, p8080, "", true, "accepts all"},
		{"named port resolves on destination", []*networkingv1.NetworkPolicy{npPol("named", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{npPort(intstr.FromString("http"))}}}, nil)}, other, backend, p8080, "", true, "named admits"},
		{"named port not declared", []*networkingv1.NetworkPolicy{npPol("named", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{npPort(intstr.FromString("grpc"))}}}, nil)}, other, backend, p8080, "", false, "named"},
		{"case port by name", []*networkingv1.NetworkPolicy{onlyAdmin}, admin, backend, intstr.FromString("http"), "", true, "only-admin admits"},
		{"endPort range", []*networkingv1.NetworkPolicy{npPol("range", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(8000)), EndPort: &end}}}}, nil)}, other, backend, p8080, "", true, "range admits"},
		{"port without number: every port of the protocol", []*networkingv1.NetworkPolicy{npPol("udp", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp}}}}, nil)}, other, backend, p8080, udp, true, "udp admits"},
		{"podSelector peer is own namespace only", []*networkingv1.NetworkPolicy{npPol("same-ns", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", "prometheus")})}}, nil)}, monitor, backend, p8080, "", false, "same-ns"},
		{"namespaceSelector alone", []*networkingv1.NetworkPolicy{npPol("ns", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{NamespaceSelector: npSel(corev1.LabelMetadataName, "monitoring")})}}, nil)}, monitor, backend, p8080, "", true, "ns admits"},
		{"namespaceSelector and podSelector together: AND", []*networkingv1.NetworkPolicy{npPol("and", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{NamespaceSelector: npSel(corev1.LabelMetadataName, "monitoring"), PodSelector: npSel("app", "grafana")})}}, nil)}, monitor, backend, p8080, "", false, "and"},
		{"empty namespaceSelector: all namespaces", []*networkingv1.NetworkPolicy{npPol("all-ns", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: npSel("app", "prometheus")})}}, nil)}, monitor, backend, p8080, "", true, "all-ns admits"},
		{"ipBlock: no address known, none seen", []*networkingv1.NetworkPolicy{everyAddr}, other, backend, p8080, "", false, "cidr"},
		{"ipBlock holds the pod's address", []*networkingv1.NetworkPolicy{everyAddr}, frontendAt, backend, p8080, "", true, "ipBlock 0.0.0.0/0 holds its address, 10.244.0.7"},
		{"ipBlock except takes the address out", []*networkingv1.NetworkPolicy{npPol("cidr", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "10.244.0.0/16", Except: []string{"10.244.0.0/24"}}})}}, nil)}, frontendAt, backend, p8080, "", false, "cidr"},
		{"ipBlock of another family", []*networkingv1.NetworkPolicy{npPol("cidr", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: "::/0"}})}}, nil)}, frontendAt, backend, p8080, "", false, "cidr"},
		{"ipBlock holds an address a labelled pod may get", []*networkingv1.NetworkPolicy{everyAddr}, otherMayGet, backend, p8080, "", true, "holds the address of a live pod, which it may be given, 10.244.0.7"},
		{"matchExpressions", []*networkingv1.NetworkPolicy{npPol("expr", npSel("app", "backend"), ingress,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"frontend", "admin-tool"}}}}})}}, nil)}, frontend, backend, p8080, "", true, "expr admits"},
	}
	nsLabels := func(ns string) labels.Set { return labels.Set{corev1.LabelMetadataName: ns} }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NetworkPolicyEvaluate(tc.pols, nsLabels, tc.src, tc.dst, tc.port, tc.proto)
			if d.Allowed != tc.allow {
				t.Errorf("allowed = %t, want %t (%s)", d.Allowed, tc.allow, d.Reason)
			}
			if !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason, tc.reason)
			}
		})
	}
}

func npDeploy(name string) (*appsv1.Deployment, *corev1.Pod) {
	l := map[string]string{"app": name}
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: l}, Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: l}}}}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name + "-abc", Labels: l},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}
	return d, p
}

func TestNetworkPolicyAllowsCheck(t *testing.T) {
	params := `{cases: [
	  {name: front, fromDeployment: frontend, toDeployment: backend, port: 8080, expect: allow},
	  {name: admin, fromDeployment: admin-tool, toDeployment: backend, port: http, expect: allow},
	  {name: other, fromLabels: {app: other}, toDeployment: backend, port: 8080, expect: deny}]}`
	snap := &snapshot.Snapshot{}
	for _, n := range []string{"frontend", "backend", "admin-tool"} {
		d, p := npDeploy(n)
		snap.Deployments = append(snap.Deployments, d)
		snap.Pods = append(snap.Pods, p)
	}
	pol := func(from ...string) *networkingv1.NetworkPolicy {
		var peers []networkingv1.NetworkPolicyPeer
		for _, f := range from {
			peers = append(peers, networkingv1.NetworkPolicyPeer{PodSelector: npSel("app", f)})
		}
		return &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "backend-network-policy"},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: *npSel("app", "backend"), PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
				Ingress: []networkingv1.NetworkPolicyIngressRule{{From: peers, Ports: []networkingv1.NetworkPolicyPort{npPort(intstr.FromInt32(8080))}}}}}
	}
	tests := []struct {
		name   string
		pols   []*networkingv1.NetworkPolicy
		status Status
		msg    string
	}{
		{"broken", []*networkingv1.NetworkPolicy{pol("admin-tool")}, Fail, `"front" expected allow, but pod backend-abc is isolated`},
		{"fixed", []*networkingv1.NetworkPolicy{pol("admin-tool", "frontend")}, Pass, `"other" deny (refused`},
		{"deleted", nil, Fail, `"other" expected deny, but no NetworkPolicy selects pod backend-abc`},
		{"admin lost", []*networkingv1.NetworkPolicy{pol("frontend")}, Fail, `"admin" expected allow`},
	}
	c, err := Build("networkPolicyAllows", []byte(params))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := *snap
			s.NetworkPolicies = tc.pols
			r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: &s})
			assertVoices(t, r, []string{npEvaluated}, []string{tc.msg, npEvaluated})
			if r.Status != tc.status {
				t.Errorf("got %s %q, want %s", r.Status, r.Diagnosis, tc.status)
			}
		})
	}
	t.Run("missing deployment", func(t *testing.T) {
		r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: &snapshot.Snapshot{}})
		if r.Status != Fail || !strings.Contains(r.Diagnosis, "Deployment frontend does not exist") {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
	})
}

func TestNetworkPolicyAllowsParams(t *testing.T) {
	for params, field := range map[string]string{
		`{}`: "cases",
		`{cases: [{toDeployment: b, port: 80, expect: allow}]}`:                                        "fromDeployment and fromLabels",
		`{cases: [{fromDeployment: a, fromLabels: {a: b}, toDeployment: b, port: 80, expect: allow}]}`: "fromDeployment and fromLabels",
		`{cases: [{fromDeployment: a, port: 80, expect: allow}]}`:                                      "toDeployment and toLabels",
		`{cases: [{fromDeployment: a, toDeployment: b, port: 80, expect: maybe}]}`:                     "cases[0].expect",
		`{cases: [{fromDeployment: a, toDeployment: b, port: 0, expect: allow}]}`:                      "cases[0].port",
		`{cases: [{fromDeployment: a, toDeployment: b, port: 80, protocol: ICMP, expect: allow}]}`:     "cases[0].protocol",
		`{cases: [{fromDeployment: a, toDeployment: b, port: 80, expect: allow, bogus: 1}]}`:           "unknown field",
	} {
		if _, err := Build("networkPolicyAllows", []byte(params)); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("params %s: error %v, want one naming %s", params, err, field)
		}
	}
}

// A namespaceSelector on a label of the namespace other than its name: the
// check reads the namespace's labels from the snapshot, as an enforcer does
// (on kind, kube-router let frontend in while the check, which knew only
// kubernetes.io/metadata.name, said it was refused).
func TestNetworkPolicyAllowsNamespaceLabels(t *testing.T) {
	params := `{cases: [
	  {name: front, fromDeployment: frontend, toDeployment: backend, port: 8080, expect: allow},
	  {name: other, fromLabels: {app: other}, toDeployment: backend, port: 8080, expect: deny}]}`
	snap := &snapshot.Snapshot{}
	for _, n := range []string{"frontend", "backend"} {
		d, p := npDeploy(n)
		snap.Deployments = append(snap.Deployments, d)
		snap.Pods = append(snap.Pods, p)
	}
	snap.NetworkPolicies = []*networkingv1.NetworkPolicy{npPol("by-team", npSel("app", "backend"), nil,
		[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{
			NamespaceSelector: npSel("team", "web"), PodSelector: npSel("app", "frontend")})}}, nil)}
	snap.NetworkPolicies[0].Namespace = "ns"
	c, err := Build("networkPolicyAllows", []byte(params))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		labels map[string]map[string]string
		status Status
		msg    string
	}{
		{"labelled namespace", map[string]map[string]string{"ns": {corev1.LabelMetadataName: "ns", "team": "web"}}, Pass, `"front" allow (admitted by NetworkPolicy by-team`},
		{"other labels", map[string]map[string]string{"ns": {corev1.LabelMetadataName: "ns", "team": "db"}}, Fail, `"front" expected allow`},
		{"labels unknown: only the name label", nil, Fail, `"front" expected allow`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := *snap
			s.NamespaceLabels = tc.labels
			r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: &s})
			if r.Status != tc.status || !strings.Contains(r.Diagnosis, tc.msg) {
				t.Errorf("got %s %q, want %s with %q", r.Status, r.Diagnosis, tc.status, tc.msg)
			}
		})
	}
}

// An ipBlock of every address: kube-router let every pod in, the check said
// frontend was refused and other kept out. It now matches pod addresses, and
// a labelled pod by the live pods' addresses it may be given.
func TestNetworkPolicyAllowsIPBlock(t *testing.T) {
	params := `{cases: [
	  {name: front, fromDeployment: frontend, toDeployment: backend, port: 8080, expect: allow},
	  {name: other, fromLabels: {app: other}, toDeployment: backend, port: 8080, expect: deny}]}`
	snap := &snapshot.Snapshot{}
	for i, n := range []string{"frontend", "backend"} {
		d, p := npDeploy(n)
		p.Status.PodIP = fmt.Sprintf("10.244.0.%d", i+10)
		snap.Deployments = append(snap.Deployments, d)
		snap.Pods = append(snap.Pods, p)
	}
	block := func(cidr string) []*networkingv1.NetworkPolicy {
		p := npPol("by-address", npSel("app", "backend"), nil,
			[]networkingv1.NetworkPolicyIngressRule{{From: npFrom(networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr}})}}, nil)
		p.Namespace = "ns"
		return []*networkingv1.NetworkPolicy{p}
	}
	c, err := Build("networkPolicyAllows", []byte(params))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		pols   []*networkingv1.NetworkPolicy
		want   []string
		refuse []string
	}{
		{"every address", block("0.0.0.0/0"), []string{`"other" expected deny, but NetworkPolicy by-address admits a pod labelled app=other`, "which it may be given"}, []string{`"front" expected`}},
		{"outside the cluster", block("192.0.2.0/24"), []string{`"front" expected allow`}, []string{`"other" expected`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := *snap
			s.NetworkPolicies = tc.pols
			r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: &s})
			if r.Status != Fail {
				t.Errorf("got %s %q, want fail", r.Status, r.Diagnosis)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Diagnosis, w) {
					t.Errorf("diagnosis %q does not hold %q", r.Diagnosis, w)
				}
			}
			for _, w := range tc.refuse {
				if strings.Contains(r.Diagnosis, w) {
					t.Errorf("diagnosis %q holds %q", r.Diagnosis, w)
				}
			}
		})
	}
}
