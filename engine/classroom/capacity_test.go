package classroom

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/k8squest/k8squest/engine/kube"
)

func node(name string, pods int64, ready bool, mutate ...func(*corev1.Node)) *corev1.Node {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NodeStatus{
		Allocatable: corev1.ResourceList{corev1.ResourcePods: *resource.NewQuantity(pods, resource.DecimalSI)},
		Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: st}},
	}}
	for _, m := range mutate {
		m(n)
	}
	return n
}

func pod(ns, name, nodeName string, phase corev1.PodPhase) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.PodSpec{NodeName: nodeName}, Status: corev1.PodStatus{Phase: phase}}
}

func TestReadRoomCountsUsableNodesAndLivePods(t *testing.T) {
	cs := fake.NewClientset(
		node("a", 110, true),
		node("b", 110, true, func(n *corev1.Node) { n.Spec.Unschedulable = true }),
		node("c", 110, false),
		node("d", 50, true, func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}}
		}),
		node("e", 40, true, func(n *corev1.Node) {
			n.Spec.Taints = []corev1.Taint{{Key: "soft", Effect: corev1.TaintEffectPreferNoSchedule}}
		}),
		pod("kube-system", "dns", "a", corev1.PodRunning),
		pod("kube-system", "done", "a", corev1.PodSucceeded),
		pod("kube-system", "crashed", "e", corev1.PodFailed),
		pod("w-ada", "web-0", "a", corev1.PodRunning),
		pod("w-ada", "web-1", "e", corev1.PodPending),
		pod("w-bo", "web-0", "", corev1.PodPending),
		pod("other", "stuck", "", corev1.PodPending),
	)
	room, err := ReadRoom(context.Background(), cs, func(ns string) bool { return strings.HasPrefix(ns, "w-") })
	if err != nil {
		t.Fatal(err)
	}
	if room.Pending != 2 || room.LearnerPods != 3 || len(room.Nodes) != 5 {
		t.Fatalf("room: %+v", room)
	}
	why := map[string]string{}
	for _, n := range room.Nodes {
		why[n.Name] = n.Why
		if n.Name == "a" && (n.Used != 2 || n.Allocatable != 110 || !n.Usable) {
			t.Errorf("node a: %+v, want 2 of 110 used, usable", n)
		}
	}
	want := map[string]string{"a": "", "b": "cordoned", "c": "not Ready",
		"d": "tainted node-role.kubernetes.io/control-plane=:NoSchedule", "e": ""}
	for n, w := range want {
		if why[n] != w {
			t.Errorf("node %s: why %q, want %q", n, why[n], w)
		}
	}
	p, err := Fit(room, Demand{Level: 30, LevelPods: 3, Spare: 1})
	if err != nil {
		t.Fatal(err)
	}
	// a: 108 free, e: 39 free; less 2 pending, plus the 3 learner pods back.
	if p.Slots != 150 || p.Free != 148 || p.Learners != 37 || p.Nodes != 2 || len(p.Unusable) != 3 {
		t.Errorf("plan: %+v", p)
	}
	for _, s := range []string{"holds 37 learners on level 30", "2 node(s), 150 pod slots, 148 free", "4 pods per learner (level 30's 3, 1 spare)", "b (cordoned)"} {
		if !strings.Contains(p.String(), s) {
			t.Errorf("plan says %q, missing %q", p.String(), s)
		}
	}
}

func TestFitFiftyLearnersOnLevel30(t *testing.T) {
	d := Demand{Level: 30, LevelPods: 3, Spare: 1}
	kubelet := Room{Nodes: []NodeRoom{{Name: "n", Allocatable: 110, Usable: true, Used: 2}}}
	p, _ := Fit(kubelet, d)
	if p.Learners != 27 || p.Short(50) != 92 {
		t.Errorf("the kubelet default 110: %d learners, %d slots short of 50; want 27, 92", p.Learners, p.Short(50))
	}
	big := Room{Nodes: []NodeRoom{{Name: "n", Allocatable: 256, Usable: true, Used: 2}}}
	if p, _ := Fit(big, d); p.Learners < 50 || p.Short(50) != 0 {
		t.Errorf("256 pods: %d learners, short %d; want at least 50, 0", p.Learners, p.Short(50))
	}
	if _, err := Fit(big, Demand{Level: 30}); err == nil {
		t.Error("a demand of zero pods per learner was accepted")
	}
}

func TestAdmitRefusesBeyondCapacity(t *testing.T) {
	p := Plan{Learners: 2, Demand: Demand{Level: 30, LevelPods: 3, ShellPod: true, Spare: 1}}
	for joined := range 2 {
		if err := p.Admit(joined); err != nil {
			t.Errorf("Admit(%d) = %v, want nil", joined, err)
		}
	}
	err := p.Admit(2)
	if !errors.Is(err, ErrFull) {
		t.Fatalf("Admit(2) = %v, want ErrFull", err)
	}
	for _, s := range []string{"holds 2 learners on level 30 (5 pods each) and 2 have joined", "maxPods"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the refusal %q does not say %q", err, s)
		}
	}
}

func TestCountPods(t *testing.T) {
	objs, err := kube.Decode([]byte(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec: {replicas: 2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: one}
spec: {}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {parallelism: 3}
---
apiVersion: v1
kind: Service
metadata: {name: s}
`))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := CountPods(objs); n != 7 || err != nil {
		t.Errorf("CountPods = %d, %v; want 7", n, err)
	}
	ds, _ := kube.Decode([]byte("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\n"))
	if _, err := CountPods(ds); err == nil || !strings.Contains(err.Error(), "DaemonSet agent") {
		t.Errorf("a DaemonSet: %v", err)
	}
}

// TestCountPodsOfWorld3 counts each level's broken state from its files:
// level 30 has 3 pods, and no level of World 3 more than 4.
func TestCountPodsOfWorld3(t *testing.T) {
	files, err := filepath.Glob("../../content/world-3/*/broken.yaml")
	if err != nil || len(files) != 10 {
		t.Fatalf("found %d broken states (%v), want 10", len(files), err)
	}
	most := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := kube.Decode(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		n, err := CountPods(objs)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if strings.Contains(f, "30-headless-dns") && n != 3 {
			t.Errorf("level 30 makes %d pods, want 3", n)
		}
		most = max(most, n)
	}
	if most != 4 {
		t.Errorf("the largest level of World 3 makes %d pods, want 4 (levels 25 and 27)", most)
	}
}

func TestSlotsForFiftyOnKind(t *testing.T) {
	d := Demand{Level: 30, LevelPods: 3, ShellPod: true, Spare: 1}
	if got := d.Slots(50, 10); got != 260 {
		t.Errorf("50 learners on kind with 10 pods of the cluster's own: %d slots, want 260", got)
	}
}

// The kind cluster's kubelet default, 110 pods, holds 21 learners at 5
// each: the line says it is fewer than the 50 asked for, by how much, and
// how to get more.
func TestPlanSaysWhenFewerThanAskedFit(t *testing.T) {
	d := Demand{Level: 30, LevelPods: 3, ShellPod: true, Spare: 1}
	p, err := Fit(Room{Nodes: []NodeRoom{{Name: "k8squest-control-plane", Allocatable: 110, Usable: true, Used: 9}}}, d)
	if err != nil {
		t.Fatal(err)
	}
	p.Wanted, p.Remedy = 50, "recreate it"
	line := p.String()
	for _, s := range []string{"holds 20 learners", "fewer than the 50 learners asked for (--learners 50): 149 pod slots short", "; recreate it"} {
		if !strings.Contains(line, s) {
			t.Errorf("the capacity line %q does not say %q", line, s)
		}
	}
	p.Wanted = 20
	if line := p.String(); strings.Contains(line, "fewer") || strings.Contains(line, "recreate") {
		t.Errorf("20 learners fit, yet the line says %q", line)
	}
}

// This machine's kind node image keeps a /24 pod range whatever maxPods
// says: a kubelet taking 310 pods holds only 253 pods on the pod network
// besides those on the host's. The room counts what the range holds, and
// the line says why; a /23 takes the kubelet's 310.
func TestReadRoomCapsANodeAtItsPodRange(t *testing.T) {
	withRange := func(cidr string) func(*corev1.Node) {
		return func(n *corev1.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = cidr, []string{cidr} }
	}
	objs := []runtime.Object{node("small", 310, true, withRange("10.244.0.0/24")), node("wide", 310, true, withRange("10.244.2.0/23"))}
	for i, name := range []string{"etcd", "apiserver", "cm", "scheduler", "kube-proxy", "kindnet"} {
		p := pod("kube-system", name, "small", corev1.PodRunning)
		p.Spec.HostNetwork = true
		objs = append(objs, p, pod("kube-system", fmt.Sprint("dns-", i), "small", corev1.PodRunning))
	}
	room, err := ReadRoom(context.Background(), fake.NewClientset(objs...), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]NodeRoom{}
	for _, n := range room.Nodes {
		got[n.Name] = n
	}
	if n := got["small"]; n.Allocatable != 253+6 || n.Used != 12 || n.Range != "10.244.0.0/24: 253 addresses" {
		t.Errorf("node small: %+v, want 259 slots (253 addresses and 6 pods on the host's network), 12 used", n)
	}
	if n := got["wide"]; n.Allocatable != 310 || n.Range != "" {
		t.Errorf("node wide: %+v, want the kubelet's 310", n)
	}
	p, err := Fit(room, Demand{Level: 25, LevelPods: 4, ShellPod: true, Spare: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.String(), "limited by the pod range: small (10.244.0.0/24: 253 addresses)") || p.Slots != 259+310 {
		t.Errorf("plan %+v says %q, want small limited by its /24", p, p.String())
	}
}
