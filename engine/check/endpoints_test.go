package check

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

// Builders for hand-made snapshots, shared by this package's tests.

func tPod(ns, name, ip string, ready bool, lbls map[string]string) *corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: lbls},
		Status: corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

func tDeploy(ns, name string, replicas int32, lbls map[string]string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls}},
		},
	}
}

func tSvc(ns, name, ip string, sel map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{ClusterIP: ip, Selector: sel,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80}}},
	}
}

type tEP struct {
	ip, pod            string
	ready, terminating bool
}

func tSlice(ns, svc string, eps ...tEP) *discoveryv1.EndpointSlice {
	es := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: svc + "-x",
		Labels: map[string]string{discoveryv1.LabelServiceName: svc}}}
	for _, e := range eps {
		ready, term := e.ready, e.terminating
		ep := discoveryv1.Endpoint{Addresses: []string{e.ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready, Terminating: &term}}
		if e.pod != "" {
			ep.TargetRef = &corev1.ObjectReference{Kind: "Pod", Name: e.pod}
		}
		es.Endpoints = append(es.Endpoints, ep)
	}
	return es
}

var (
	backendLabels = map[string]string{"app": "backend", "tier": "api"}
	debugLabels   = map[string]string{"app": "backend", "tier": "debug"}
)

func backendSnap(sel map[string]string, eps ...tEP) *snapshot.Snapshot {
	return &snapshot.Snapshot{
		Deployments: []*appsv1.Deployment{tDeploy("ns", "backend", 2, backendLabels), tDeploy("ns", "backend-debug", 1, debugLabels)},
		Pods: []*corev1.Pod{
			tPod("ns", "backend-1", "10.0.0.1", true, backendLabels),
			tPod("ns", "backend-2", "10.0.0.2", true, backendLabels),
			tPod("ns", "debug-1", "10.0.0.9", true, debugLabels),
		},
		Services:       []*corev1.Service{tSvc("ns", "backend-service", "10.96.0.10", sel)},
		EndpointSlices: []*discoveryv1.EndpointSlice{tSlice("ns", "backend-service", eps...)},
	}
}

func TestEndpoints(t *testing.T) {
	both := []tEP{{ip: "10.0.0.1", pod: "backend-1", ready: true}, {ip: "10.0.0.2", pod: "backend-2", ready: true}}
	tests := []struct {
		name string
		snap *snapshot.Snapshot
		want Status
		msg  []string
	}{
		{"selector matches nothing", backendSnap(map[string]string{"app": "backend-app"}), Fail,
			[]string{"selects app=backend-app, which matches no pod", "labelled app=backend,tier=api"}},
		{"selector too wide", backendSnap(map[string]string{"app": "backend"}, append(both, tEP{ip: "10.0.0.9", pod: "debug-1", ready: true})...), Fail,
			[]string{"also matches debug-1 (app=backend,tier=debug)", "not part of Deployment backend"}},
		{"no selector", backendSnap(nil), Fail, []string{"has no selector"}},
		{"slices not filled yet", backendSnap(map[string]string{"tier": "api"}), Fail, []string{"list no endpoint yet"}},
		{"one missing", backendSnap(map[string]string{"tier": "api"}, both[0]), Fail, []string{"10.0.0.1 (backend-1) but not 10.0.0.2 (backend-2)"}},
		{"not ready", backendSnap(map[string]string{"tier": "api"}, both[0], tEP{ip: "10.0.0.2", pod: "backend-2"}), Fail, []string{"10.0.0.2 (backend-2) as not ready"}},
		{"stranger address", backendSnap(map[string]string{"tier": "api"}, append(both, tEP{ip: "10.0.0.77", ready: true})...), Fail, []string{"10.0.0.77, which is not a pod"}},
		{"terminating ignored", backendSnap(map[string]string{"tier": "api"}, append(both, tEP{ip: "10.0.0.77", terminating: true})...), Pass, nil},
		{"fixed", backendSnap(map[string]string{"app": "backend", "tier": "api"}, both...), Pass,
			[]string{"list the 2 pods of Deployment backend, all ready: 10.0.0.1 (backend-1), 10.0.0.2 (backend-2)"}},
	}
	c, err := Build("serviceEndpoints", []byte(`{service: backend-service, kind: Deployment, name: backend}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: tt.snap})
			if r.Status != tt.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tt.want, r.Message)
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

func TestEndpointsParams(t *testing.T) {
	for _, tt := range []struct{ params, field string }{
		{`{kind: Deployment, name: backend}`, "service"},
		{`{service: s, kind: Pod, name: backend}`, "kind"},
		{`{service: s, kind: Deployment}`, "name"},
		{`{service: s, kind: Deployment, name: b, extra: 1}`, "extra"},
	} {
		if _, err := Build("serviceEndpoints", []byte(tt.params)); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v does not name %s", tt.params, err, tt.field)
		}
	}
}
