package levels_test

import (
	"path"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/levels"
)

// maxQuietGrace is the longest grace period a pod whose PID 1 ignores
// SIGTERM may have: the kubelet waits that long on every reset and teardown.
const maxQuietGrace = 5

// trapsTerm matches a shell script that handles SIGTERM.
var trapsTerm = regexp.MustCompile(`\btrap\s+('[^']*'|"[^"]*"|\S+)\s+([A-Z0-9 ]+\s)?(SIG)?(TERM|15)\b`)

// TestLevelPodsStopOnSigterm: a container whose PID 1 is a shell or sleep
// ignores the kubelet's SIGTERM (the kernel drops signals PID 1 has no
// handler for), so deleting its pod waits the whole grace period, 30 s by
// default, on every reset and teardown on a real node. Every such container
// in a level's manifests traps TERM, or its pod has a short grace period.
func TestLevelPodsStopOnSigterm(t *testing.T) {
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, l := range ls {
		spec, err := l.Spec("p1")
		if err != nil {
			t.Fatal(err)
		}
		sol, err := l.SolutionObjects("p1")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range append(spec.Objects, sol...) {
			pod, ok := podSpecOf(t, o)
			if !ok {
				continue
			}
			for _, c := range pod.Containers {
				checked++
				if why := ignoresSigterm(pod, c); why != "" {
					t.Errorf("level %d: %s %s, container %s: %s", l.ID, o.GetKind(), o.GetName(), c.Name, why)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no pod templates found in the levels")
	}
}

// ignoresSigterm says why container c of pod would make its pod's deletion
// wait out the grace period, or "".
func ignoresSigterm(pod *corev1.PodSpec, c corev1.Container) string {
	argv := append(append([]string{}, c.Command...), c.Args...)
	if len(c.Command) == 0 && strings.HasPrefix(path.Base(strings.SplitN(c.Image, ":", 2)[0]), "busybox") {
		argv = append([]string{"sh"}, argv...) // busybox's default command
	}
	if len(argv) == 0 {
		return "" // the image's own entrypoint, such as nginx, handles TERM
	}
	pid1 := path.Base(argv[0])
	shell := pid1 == "sh" || pid1 == "bash" || pid1 == "ash" || pid1 == "dash"
	if !shell && pid1 != "sleep" {
		return ""
	}
	if g := pod.TerminationGracePeriodSeconds; g != nil && *g <= maxQuietGrace {
		return ""
	}
	if shell && trapsTerm.MatchString(strings.Join(argv[1:], " ")) {
		return ""
	}
	return "PID 1 is " + pid1 + ", which ignores SIGTERM: trap TERM in the script (trap 'exit 0' TERM; sleep in the background and wait) " +
		"or set terminationGracePeriodSeconds to at most 5"
}

// podSpecOf returns the pod spec of a Pod or the pod template of a workload.
func podSpecOf(t *testing.T, o *unstructured.Unstructured) (*corev1.PodSpec, bool) {
	t.Helper()
	var fields []string
	switch o.GetKind() {
	case "Pod":
		fields = []string{"spec"}
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		fields = []string{"spec", "template", "spec"}
	case "CronJob":
		fields = []string{"spec", "jobTemplate", "spec", "template", "spec"}
	default:
		return nil, false
	}
	m, found, err := unstructured.NestedMap(o.Object, fields...)
	if err != nil || !found {
		t.Fatalf("%s %s: no pod spec at %s: %v", o.GetKind(), o.GetName(), strings.Join(fields, "."), err)
	}
	var spec corev1.PodSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &spec); err != nil {
		t.Fatalf("%s %s: decode the pod spec: %v", o.GetKind(), o.GetName(), err)
	}
	return &spec, true
}

func TestIgnoresSigterm(t *testing.T) {
	short, long := int64(2), int64(30)
	for _, tc := range []struct {
		name  string
		grace *int64
		c     corev1.Container
		bad   bool
	}{
		{"sleep", nil, corev1.Container{Image: "busybox:1.36", Command: []string{"sleep", "infinity"}}, true},
		{"sleep, long grace", &long, corev1.Container{Image: "busybox:1.36", Command: []string{"sleep", "infinity"}}, true},
		{"sleep, short grace", &short, corev1.Container{Image: "busybox:1.36", Command: []string{"sleep", "infinity"}}, false},
		{"shell loop", nil, corev1.Container{Image: "busybox:1.36", Command: []string{"sh", "-c", "while true; do sleep 5; done"}}, true},
		{"shell with trap", nil, corev1.Container{Image: "busybox:1.36", Command: []string{"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"}}, false},
		{"trap in args", nil, corev1.Container{Image: "alpine:3", Command: []string{"/bin/sh"}, Args: []string{"-c", `trap "exit" INT SIGTERM; sleep 1`}}, false},
		{"trap of another signal", nil, corev1.Container{Image: "busybox:1.36", Command: []string{"sh", "-c", "trap 'exit 0' HUP; sleep 9"}}, true},
		{"busybox default", nil, corev1.Container{Image: "docker.io/library/busybox:1.36", Args: []string{"-c", "sleep 9"}}, true},
		{"nginx", nil, corev1.Container{Image: "nginx:1.27-alpine"}, false},
		{"a server", nil, corev1.Container{Image: "hashicorp/http-echo:1.0", Args: []string{"-listen=:8080"}}, false},
	} {
		got := ignoresSigterm(&corev1.PodSpec{TerminationGracePeriodSeconds: tc.grace}, tc.c)
		if (got != "") != tc.bad {
			t.Errorf("%s: got %q, want bad=%v", tc.name, got, tc.bad)
		}
	}
}
