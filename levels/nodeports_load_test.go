package levels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/levels"
)

const portSpec = `id: 99
world: 3
title: Test level
concept: testing
difficulty: beginner
xp: 100
hints: [{file: h.md, cost: 10, reveals: [np]}]
solution: {file: s.md, cost: 50}
spoilers: ["nodePort: ${NODE_PORT}"]
checks:
  - id: np
    title: web answers on port ${NODE_PORT}
    type: serviceNodePort
    params: {service: web, port: 80, nodePort: "${NODE_PORT}"}
`

const portManifest = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: ${NODE_PORT}}]}\n"

// TestNodePortVarNeedsNodePorts refuses ${NODE_PORT} in a level that
// declares no node ports, wherever it is used, naming the file and the field.
func TestNodePortVarNeedsNodePorts(t *testing.T) {
	plain := strings.ReplaceAll(strings.ReplaceAll(portSpec, `"${NODE_PORT}"`, "30080"), "${NODE_PORT}", "30080")
	plainManifest := strings.ReplaceAll(portManifest, "${NODE_PORT}", "30080")
	declared := "services: {nodePort: true, defaultNodePort: 30080}\n"
	for _, tc := range []struct {
		name, spec, manifest, file, text, want string
	}{
		{"check title and params", portSpec, plainManifest, "", "", "w/l/level.yaml: checks[0].title: uses ${NODE_PORT}, but the level declares no node ports: add services: {nodePort: true}"},
		{"check params", strings.Replace(portSpec, "port ${NODE_PORT}", "port 30080", 1), plainManifest, "", "", "w/l/level.yaml: checks[0].params: uses ${NODE_PORT}, but the level declares no node ports"},
		{"manifest", plain, portManifest, "", "", "w/l/level.yaml: manifests[0] (broken.yaml): uses ${NODE_PORT}, but the level declares no node ports"},
		{"briefing", plain, plainManifest, "w/l/briefing.md", "use ${NODE_PORT}", "w/l/level.yaml: briefing (briefing.md): uses ${NODE_PORT}, but the level declares no node ports"},
		{"hint", plain, plainManifest, "w/l/h.md", "port ${NODE_PORT}", "w/l/level.yaml: hints[0].file (h.md): uses ${NODE_PORT}"},
		{"no default port", portSpec + "services: {nodePort: true}\n", portManifest, "", "", "w/l/level.yaml: checks[0].title: uses ${NODE_PORT}, but services.defaultNodePort is not set"},
		{"default port without node ports", plain + "services: {defaultNodePort: 30080}\n", plainManifest, "", "", "w/l/level.yaml: services.defaultNodePort: is set, but the level declares no node ports"},
		{"default port out of range", portSpec + "services: {nodePort: true, defaultNodePort: 8080}\n", portManifest, "", "", "w/l/level.yaml: services.defaultNodePort: must lie in the default node-port range 30000-32767, got 8080"},
		{"declared", portSpec + declared, portManifest, "w/l/briefing.md", "use ${NODE_PORT}", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := levelFS(tc.spec, tc.manifest)
			if tc.file != "" {
				fsys[tc.file].Data = []byte(tc.text)
			}
			_, err := levels.Load(fsys, "w/l")
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("a level declaring node ports was refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error:\n  %v\nwant it to contain:\n  %s", err, tc.want)
			}
		})
	}
}

func level22(t *testing.T) *levels.Level {
	t.Helper()
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == 22 {
			return l
		}
	}
	t.Fatal("no level 22")
	return nil
}

// nodePortIn returns the first node port of Service name among objs, as
// written.
func nodePortIn(t *testing.T, objs []*unstructured.Unstructured, name string) string {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == "Service" && o.GetName() == name {
			ports, _, _ := unstructured.NestedSlice(o.Object, "spec", "ports")
			return fmt.Sprint(ports[0].(map[string]any)["nodePort"])
		}
	}
	t.Fatalf("no Service %s", name)
	return ""
}

// TestLevel22Ports binds level 22 for two players on one (fake) cluster: the
// lone player on the level's own namespace is told 30080, as the level was
// written; a player elsewhere is told a port of their own, in every text,
// manifest, check and namespace annotation.
func TestLevel22Ports(t *testing.T) {
	l := level22(t)
	if l.NodePort != 30080 || !strings.Contains(l.Briefing, "**port 30080 on any") {
		t.Fatalf("unbound level 22: port %d, briefing:\n%s", l.NodePort, l.Briefing)
	}
	cs := fake.NewClientset()
	ctx := context.Background()
	home, err := l.WithNamespace("").BindNodePorts(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	if home.NodePort != 30080 || home.Protections.NodePortRange == nil || *home.Protections.NodePortRange != (kube.PortRange{Min: 30080, Max: 30083}) {
		t.Fatalf("the lone player got %d in %v", home.NodePort, home.Protections.NodePortRange)
	}
	other, err := l.WithNamespace("alice").BindNodePorts(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	p := other.NodePort
	if other.Protections.NodePortRange == nil {
		t.Fatalf("alice was given no node ports, told %d", p)
	}
	r := *other.Protections.NodePortRange
	if p == 30080 || p < r.Min || p > r.Max || r.Min <= 30083 && r.Max >= 30080 {
		t.Fatalf("alice got %d in %v, overlapping the lone player's", p, r)
	}
	port := itoa(p)
	for what, text := range map[string]string{"briefing": other.Briefing, "solution": other.Solution.Text, "hint 3": other.Hints[2].Text, "debrief": other.Debrief, "title": other.Checks[0].Title, "spoiler": other.Spoilers[0]} {
		if !strings.Contains(text, port) || strings.Contains(text, "30080") && what != "debrief" || strings.Contains(text, levels.NodePortVar) {
			t.Errorf("alice's %s does not give her port %s:\n%s", what, port, text)
		}
	}
	sol, err := other.SolutionObjects("alice")
	if err != nil {
		t.Fatal(err)
	}
	if got := nodePortIn(t, sol, "web-nodeport"); got != port {
		t.Fatalf("alice's solution asks for node port %s, not %s", got, port)
	}
	spec, err := other.Spec("alice")
	if err != nil || spec.Protections.NodePortRange == nil || *spec.Protections.NodePortRange != r {
		t.Fatalf("alice's spec: %+v %v", spec.Protections, err)
	}
	// The check wants alice's port: a Service on 30080 fails it.
	if !strings.Contains(spec.Checks[0].Title, port) {
		t.Fatalf("check title %q", spec.Checks[0].Title)
	}
	if again, err := l.WithNamespace("alice").BindNodePorts(ctx, cs); err != nil || again.NodePort != p {
		t.Fatalf("alice's second run got %d (%v), the first %d", again.NodePort, err, p)
	}
	// Another namespace's Service on 30080: the lone player gets another port.
	cs2 := fake.NewClientset(&corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "squatter", Namespace: "elsewhere"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080}}},
	})
	moved, err := l.WithNamespace("").BindNodePorts(ctx, cs2)
	if err != nil || moved.NodePort == 30080 || !strings.Contains(moved.Briefing, itoa(moved.NodePort)) {
		t.Fatalf("with 30080 held elsewhere the lone player got %d (%v)", moved.NodePort, err)
	}
}
