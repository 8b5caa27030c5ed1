package levels_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/levels"
)

// TestLoadIsolationFields checks that the isolation fields of level.yaml
// reach the level's protections, and that bad ones are refused naming the
// file and the field.
func TestLoadIsolationFields(t *testing.T) {
	spec := goodSpec + "podSecurity: {level: privileged, reason: the level runs a CNI agent}\nservices: {nodePort: true}\nquota: {pods: 30, requests.memory: 3Gi}\n"
	l, err := levels.Load(levelFS(spec, goodManifest), "w/l")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Protections
	pods, mem := p.Quota[corev1.ResourcePods], p.Quota[corev1.ResourceRequestsMemory]
	if p.PodSecurity != kube.PodSecurityPrivileged || !p.NodePorts || p.LoadBalancers || pods.String() != "30" || mem.String() != "3Gi" {
		t.Fatalf("protections %+v", p)
	}
	s, err := l.Spec("team-a")
	if err != nil || s.Protections.PodSecurity != kube.PodSecurityPrivileged {
		t.Fatalf("the spec lost the protections: %+v %v", s.Protections, err)
	}
	for _, tc := range []struct{ name, extra, want string }{
		{"privileged without a reason", "podSecurity: {level: privileged}\n", "w/l/level.yaml: podSecurity.reason: is required for the privileged profile"},
		{"privileged with a blank reason", "podSecurity: {level: privileged, reason: '  '}\n", "w/l/level.yaml: podSecurity.reason: is required"},
		{"unknown profile", "podSecurity: {level: open}\n", `w/l/level.yaml: podSecurity.level: must be baseline, restricted or privileged, got "open"`},
		{"unknown quota", "quota: {widgets: 3}\n", "w/l/level.yaml: quota.widgets: is not a quota the game sets"},
		{"bad quantity", "quota: {pods: lots}\n", "w/l/level.yaml: quota.pods: must be a non-negative quantity"},
		{"negative quantity", "quota: {pods: -1}\n", "w/l/level.yaml: quota.pods: must be a non-negative quantity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := levels.Load(levelFS(goodSpec+tc.extra, goodManifest), "w/l")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error:\n  %v\nwant it to contain:\n  %s", err, tc.want)
			}
		})
	}
}
