//go:build kind

package game

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/k8squest/k8squest/engine/kindtest"
	"github.com/k8squest/k8squest/engine/kube"
)

// lockedBuffer is a terminal's screen, written by the stream and read by
// the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestKindPodShellIsThePlayer plays a learner over SSH on the shared kind
// cluster: `s` starts the shell pod for the learner's namespace, and the
// shell, attached through pods/exec with a TTY of the learner's size, runs
// kubectl as the player, who may exec in their own namespace and nowhere
// else. The second `s` reuses the pod.
func TestKindPodShellIsThePlayer(t *testing.T) {
	c := kindtest.Cluster(t)
	const ns = "podshell-kind"
	sizes := NewTerminalSizes(101, 33)
	x, err := New(Options{Provider: c.Provider, Kubeconfig: c.Kubeconfig, Namespace: ns, StateDir: t.TempDir(),
		RemoteShell: &RemoteShell{Sizes: sizes}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if _, err := x.Connect(ctx, nil); err != nil {
		t.Fatalf("connect to kind: %v", err)
	}
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	// The learner's namespace, as a level's set-up grants it.
	if err := kube.EnsureNamespace(ctx, cs, ns, 30); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := x.RemoveShell(ctx, ns); err != nil {
			t.Errorf("remove the shell pod: %v", err)
		}
		_ = cs.CoreV1().ServiceAccounts(kube.PlayersNamespace).Delete(ctx, kube.PlayerAccount(ns), metav1.DeleteOptions{})
		if err := kube.DeleteNamespace(ctx, cs, ns); err != nil {
			t.Errorf("delete namespace %s: %v", ns, err)
		}
	})
	if err := kube.GrantNamespace(ctx, cs, ns, ns, 30); err != nil {
		t.Fatal(err)
	}
	l := x.Levels()[0]
	if err := x.WritePlayerKubeconfig(ctx, l); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sh, err := x.Shell(ctx, l, x.PlayerKubeconfigPath(l))
	if err != nil {
		t.Fatalf("open the pod shell: %v", err)
	}
	t.Logf("shell pod running %v after the first s", time.Since(start).Round(time.Millisecond))
	script := strings.Join([]string{
		"echo WHO=$(kubectl auth whoami -o jsonpath='{.status.userInfo.username}')",
		"echo OWN=$(kubectl auth can-i create pods --subresource=exec)",
		"echo OTHER=$(kubectl auth can-i create pods --subresource=exec -n kube-system)",
		"kubectl exec -n " + kube.PlayersNamespace + " " + kube.ShellPodName(ns) + " -- true 2>&1 | grep -q Forbidden && echo EXEC=forbidden",
		"echo SIZE=$(stty size)",
		"exit",
	}, "\n") + "\n"
	out := runShell(t, sh, script)
	for _, want := range []string{
		"WHO=system:serviceaccount:" + kube.PlayersNamespace + ":" + kube.PlayerAccount(ns),
		"OWN=yes", "OTHER=no", "EXEC=forbidden", "SIZE=33 101",
	} {
		if !strings.Contains(out, want+"\r\n") {
			t.Errorf("the shell's screen lacks %q:\n%s", want, out)
		}
	}
	pod, err := cs.CoreV1().Pods(kube.PlayersNamespace).Get(ctx, kube.ShellPodName(ns), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	again, err := x.Shell(ctx, l, x.PlayerKubeconfigPath(l))
	if err != nil {
		t.Fatalf("open the pod shell again: %v", err)
	}
	t.Logf("second s ready in %v", time.Since(start).Round(time.Millisecond))
	if out := runShell(t, again, "echo AGAIN=$((40+2))\nexit\n"); !strings.Contains(out, "AGAIN=42\r\n") {
		t.Errorf("the second shell's screen lacks AGAIN=42:\n%s", out)
	}
	now, err := cs.CoreV1().Pods(kube.PlayersNamespace).Get(ctx, kube.ShellPodName(ns), metav1.GetOptions{})
	if err != nil || now.UID != pod.UID {
		t.Fatalf("the second s made a new pod (%v): want the first one reused", err)
	}
	checkRestricted(ctx, t, c.REST, pod.Spec.Containers[0].Image)
}

// warnings collects the API server's warnings.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

// checkRestricted creates a shell pod with a server-side dry run in a
// namespace that enforces the restricted Pod Security profile: admitted,
// and with no warning.
func checkRestricted(ctx context.Context, t *testing.T, admin *rest.Config, image string) {
	t.Helper()
	cfg := rest.CopyConfig(admin)
	w := &warnings{}
	cfg.WarningHandler = w
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const ns = "podshell-restricted"
	nsObj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted"}}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, nsObj, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = kube.DeleteNamespace(context.Background(), cs, ns) }()
	p := kube.ShellPod("ws-ana", image)
	p.Namespace, p.Spec.ServiceAccountName = ns, "default"
	if _, err := cs.CoreV1().Pods(ns).Create(ctx, p, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatalf("the restricted profile refuses the shell pod: %v", err)
	}
	if len(w.list) > 0 {
		t.Fatalf("warnings for the shell pod: %q", w.list)
	}
}

// runShell runs sh with script as its keys until it exits, bounded, and
// returns its screen.
func runShell(t *testing.T, sh ShellCommand, script string) string {
	t.Helper()
	inR, inW := io.Pipe()
	defer inW.Close()
	var out lockedBuffer
	sh.SetStdin(inR)
	sh.SetStdout(&out)
	sh.SetStderr(io.Discard)
	done := make(chan error, 1)
	go func() { done <- sh.Run() }()
	go func() { _, _ = io.WriteString(inW, script) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shell: %v\n%s", err, out.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("the shell did not exit:\n%s", out.String())
	}
	return fmt.Sprint(out.String())
}
