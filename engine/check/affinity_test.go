package check

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func affinitySvc(aff corev1.ServiceAffinity, timeout *int32) *corev1.Service {
	s := tSvc("ns", "session-service", "10.96.0.30", map[string]string{"app": "session-app"})
	s.Spec.SessionAffinity = aff
	if timeout != nil {
		s.Spec.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: timeout}}
	}
	return s
}

func i32(v int32) *int32 { return &v }

func TestAffinity(t *testing.T) {
	three := []tEP{{ip: "10.0.0.1", pod: "s-1", ready: true}, {ip: "10.0.0.2", pod: "s-2", ready: true}, {ip: "10.0.0.3", pod: "s-3", ready: true}}
	tests := []struct {
		name string
		svc  *corev1.Service
		eps  []tEP
		want Status
		msg  []string
	}{
		{"default", affinitySvc("", nil), three, Fail, []string{"sessionAffinity None"}},
		{"none", affinitySvc(corev1.ServiceAffinityNone, nil), three, Fail, []string{"sessionAffinity None"}},
		{"no timeout", affinitySvc(corev1.ServiceAffinityClientIP, nil), three, Fail, []string{"no positive sessionAffinityConfig.clientIP.timeoutSeconds"}},
		{"zero timeout", affinitySvc(corev1.ServiceAffinityClientIP, i32(0)), three, Fail, []string{"no positive"}},
		{"one ready endpoint", affinitySvc(corev1.ServiceAffinityClientIP, i32(10800)), []tEP{three[0], {ip: "10.0.0.2", pod: "s-2"}}, Fail,
			[]string{"but 1 ready endpoint (10.0.0.1 (s-1)); at least 2"}},
		{"no endpoint", affinitySvc(corev1.ServiceAffinityClientIP, i32(10800)), nil, Fail, []string{"0 ready endpoints (none)"}},
		{"fixed", affinitySvc(corev1.ServiceAffinityClientIP, i32(10800)), three, Pass, []string{"ClientIP with a 10800s timeout and 3 ready endpoints"}},
	}
	c, err := Build("sessionAffinity", []byte(`{service: session-service, minReadyEndpoints: 2}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			snap := &snapshot.Snapshot{Services: []*corev1.Service{tt.svc}, EndpointSlices: []*discoveryv1.EndpointSlice{tSlice("ns", "session-service", tt.eps...)}}
			r := c.Run(context.Background(), &Env{Namespace: "ns", Snap: snap})
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

func TestAffinityParams(t *testing.T) {
	for _, tt := range []struct{ params, field string }{
		{`{minReadyEndpoints: 2}`, "service"},
		{`{service: s, minReadyEndpoints: -1}`, "minReadyEndpoints"},
		{`{service: s, timeout: 5}`, "timeout"},
	} {
		if _, err := Build("sessionAffinity", []byte(tt.params)); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v does not name %s", tt.params, err, tt.field)
		}
	}
}
