package check

import (
	"context"
	"errors"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func tNodePortSvc(ns, name string, typ corev1.ServiceType, port, nodePort int32) *corev1.Service {
	s := tSvc(ns, name, "10.96.0.20", map[string]string{"app": "web"})
	s.Spec.Type = typ
	s.Spec.Ports = []corev1.ServicePort{{Name: "http", Port: port, NodePort: nodePort}}
	return s
}

type fakeLister struct {
	items []corev1.Service
	err   error
}

func (f fakeLister) List(context.Context, metav1.ListOptions) (*corev1.ServiceList, error) {
	return &corev1.ServiceList{Items: f.items}, f.err
}

// Not parallel: the cluster-wide lister is process-wide.
func TestNodePort(t *testing.T) {
	other := *tNodePortSvc("player-2", "web-nodeport", corev1.ServiceTypeNodePort, 80, 30080)
	tests := []struct {
		name   string
		svcs   []*corev1.Service
		lister ServiceLister
		want   Status
		msg    []string
	}{
		{"missing", nil, nil, Fail, []string{"does not exist in namespace ns"}},
		{"random port", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 31447)}, nil, Fail,
			[]string{"exposes port 80 on nodePort 31447; clients expect 30080"}},
		{"cluster IP", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeClusterIP, 80, 0)}, nil, Fail, []string{"is of type ClusterIP"}},
		{"no type means ClusterIP", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", "", 80, 0)}, nil, Fail, []string{"is of type ClusterIP"}},
		{"wrong port", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 8080, 30080)}, nil, Fail,
			[]string{"exposes port 8080 on nodePort 30080; clients inside the cluster use port 80"}},
		{"held in this namespace", []*corev1.Service{tNodePortSvc("ns", "old", corev1.ServiceTypeNodePort, 80, 30080), tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 31000)}, nil, Fail,
			[]string{"nodePort 30080 is held by Service old in this namespace"}},
		{"held elsewhere", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 31000)}, fakeLister{items: []corev1.Service{other}}, Fail,
			[]string{"nodePort 30080 is already held by Service web-nodeport in namespace player-2 on this cluster", "31000 now"}},
		{"lister fails", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 31000)}, fakeLister{err: errors.New("forbidden")}, Fail,
			[]string{"could not be searched", "forbidden"}},
		{"fixed", []*corev1.Service{tNodePortSvc("ns", "web-nodeport", corev1.ServiceTypeNodePort, 80, 30080)}, fakeLister{items: []corev1.Service{other}}, Pass,
			[]string{"exposes port 80 on nodePort 30080"}},
	}
	c, err := Build("serviceNodePort", []byte(`{service: web-nodeport, port: 80, nodePort: 30080}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &Env{Namespace: "ns", Snap: &snapshot.Snapshot{Services: tt.svcs}}
			if tt.lister != nil {
				env.ClusterServices = tt.lister
			}
			r := c.Run(context.Background(), env)
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

func TestNodePortParams(t *testing.T) {
	for _, tt := range []struct{ params, field string }{
		{`{port: 80, nodePort: 30080}`, "service"},
		{`{service: s, nodePort: 30080}`, "port"},
		{`{service: s, port: 80, nodePort: 70000}`, "nodePort"},
		{`{service: s, port: 80, nodePort: "x"}`, "nodePort"},
	} {
		if _, err := Build("serviceNodePort", []byte(tt.params)); err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: error %v does not name %s", tt.params, err, tt.field)
		}
	}
}
