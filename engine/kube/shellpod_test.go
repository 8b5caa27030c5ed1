package kube

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// The shell pod runs as the player, next to the player's account, and
// meets the restricted Pod Security profile.
func TestShellPodIsThePlayersAndRestricted(t *testing.T) {
	p := ShellPod("ws-ana", "registry.k8s.io/kubectl:v1.37.2")
	if p.Namespace != PlayersNamespace || p.Name != "shell-ws-ana" || p.Spec.ServiceAccountName != PlayerAccount("ws-ana") {
		t.Fatalf("pod %s/%s as %s, want shell-ws-ana in %s as %s", p.Namespace, p.Name, p.Spec.ServiceAccountName, PlayersNamespace, PlayerAccount("ws-ana"))
	}
	if a := p.Spec.AutomountServiceAccountToken; a == nil || !*a {
		t.Fatal("the player's token is not mounted")
	}
	ps := p.Spec.SecurityContext
	if ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot || ps.RunAsUser == nil || *ps.RunAsUser == 0 ||
		ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Fatalf("pod security context %+v, want non-root with seccomp RuntimeDefault", ps)
	}
	if len(p.Spec.Containers) != 1 {
		t.Fatalf("%d containers", len(p.Spec.Containers))
	}
	c := p.Spec.Containers[0]
	sc := c.SecurityContext
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.Capabilities == nil ||
		len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) != 0 || sc.Privileged != nil {
		t.Fatalf("container security context %+v, want no escalation and every capability dropped", sc)
	}
	if c.Resources.Limits.Memory().IsZero() || c.Resources.Requests.Cpu().IsZero() {
		t.Fatalf("resources %+v, want requests and limits", c.Resources)
	}
	for _, v := range p.Spec.Volumes {
		if v.HostPath != nil {
			t.Fatalf("volume %s is a hostPath", v.Name)
		}
	}
	if !hasEnv(c, "POD_NAMESPACE", "ws-ana") {
		t.Fatalf("env %+v: kubectl would not default to the learner's namespace", c.Env)
	}
}

func hasEnv(c corev1.Container, name, value string) bool {
	for _, e := range c.Env {
		if e.Name == name && e.Value == value {
			return true
		}
	}
	return false
}

// A finished shell pod is replaced, not waited on.
func TestEnsureShellPodReplacesAFinishedOne(t *testing.T) {
	old := ShellPod("ws-ana", "old:1")
	old.Status.Phase = corev1.PodSucceeded
	cs := fake.NewClientset(old)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the new pod never runs in a fake; the create is what counts
	_, err := EnsureShellPod(ctx, cs, "ws-ana", "new:2")
	if err == nil {
		t.Fatal("EnsureShellPod on a cancelled context returned no error")
	}
	p, gerr := cs.CoreV1().Pods(PlayersNamespace).Get(context.Background(), "shell-ws-ana", metav1.GetOptions{})
	if gerr != nil || p.Spec.Containers[0].Image != "new:2" {
		t.Fatalf("shell pod after Ensure: %v, %v; want the new one", p, gerr)
	}
}
