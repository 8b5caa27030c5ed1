//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/k8squest/k8squest/engine/cluster"

	"github.com/k8squest/k8squest/engine/kindtest"
)

// trafficTimeout bounds waiting for traffic from a pod to behave as expected
// (kube-proxy and CoreDNS follow the API a moment later).
const trafficTimeout = 60 * time.Second

// toolbox starts a busybox pod in the rig's namespace for traffic from inside
// the cluster, and returns its name.
func (r *rig) toolbox() string {
	r.t.Helper()
	return r.toolboxNamed("toolbox")
}

// toolboxNamed starts a toolbox pod called name.
func (r *rig) toolboxNamed(name string) string {
	r.t.Helper()
	return kindtest.Toolbox(r.t, r.c, r.ns, name)
}

// attemptTimeout bounds one try of a traffic command: a Service that
// kube-proxy has not programmed yet can swallow a SYN, and a client without
// its own timeout then waits for TCP's retries.
const attemptTimeout = 8 * time.Second

// sh runs a shell command in pod (of the rig's namespace) with the admin
// identity.
func (r *rig) sh(pod, cmd string) kindtest.ExecResult {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := kindtest.Exec(ctx, r.c.REST, r.ns, pod, "", "sh", "-c", cmd)
	if err != nil {
		r.t.Fatalf("exec in %s: %v", pod, err)
	}
	return res
}

// try runs cmd in pod once, within attemptTimeout. A command still running
// then is a failed try (its Err says so), not a failed test; any other
// trouble reaching the pod fails the test.
func (r *rig) try(pod, cmd string) kindtest.ExecResult {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
	defer cancel()
	res, err := kindtest.Exec(ctx, r.c.REST, r.ns, pod, "", "sh", "-c", cmd)
	if err != nil && ctx.Err() != nil {
		res.Err = fmt.Errorf("no end within %s: %w", attemptTimeout, ctx.Err())
		r.t.Logf("in pod %s: %s -> %s", pod, cmd, res)
		return res
	}
	if err != nil {
		r.t.Fatalf("exec in %s: %v", pod, err)
	}
	return res
}

// traffic runs cmd in pod until it succeeds (ok) or fails (!ok), within
// trafficTimeout, and returns the last result; the test fails otherwise.
func (r *rig) traffic(pod, cmd string, ok bool) kindtest.ExecResult {
	r.t.Helper()
	var last kindtest.ExecResult
	ctx, cancel := context.WithTimeout(context.Background(), trafficTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(context.Context) (bool, error) {
		last = r.try(pod, cmd)
		return (last.Err == nil) == ok, nil
	})
	if err != nil {
		want := "succeed"
		if !ok {
			want = "fail"
		}
		r.t.Fatalf("in pod %s, %q did not %s within %s: %s", pod, cmd, want, trafficTimeout, last)
	}
	r.t.Logf("in pod %s: %s -> %s", pod, cmd, last)
	return last
}

// podOf returns the name of a Running pod of ns matching selector.
func (r *rig) podOf(ns, selector string) string {
	r.t.Helper()
	if ns == "" {
		ns = r.ns
	}
	pods, err := r.cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Status.Phase == corev1.PodRunning && p.DeletionTimestamp == nil {
			return p.Name
		}
	}
	r.t.Fatalf("no running pod in %s matches %s", ns, selector)
	return ""
}

// nodeIP is the InternalIP of the cluster's (first) node.
func (r *rig) nodeIP() string {
	r.t.Helper()
	nodes, err := r.cs.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, n := range nodes.Items {
		for _, a := range n.Status.Addresses {
			if a.Type == corev1.NodeInternalIP {
				return a.Address
			}
		}
	}
	r.t.Fatal("no node has an InternalIP")
	return ""
}

// podIPsOf lists the IPs of the rig namespace's pods matching selector.
func (r *rig) podIPsOf(selector string) []string {
	r.t.Helper()
	pods, err := r.cs.CoreV1().Pods(r.ns).List(context.Background(), metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		r.t.Fatal(err)
	}
	var ips []string
	for _, p := range pods.Items {
		if p.Status.PodIP != "" {
			ips = append(ips, p.Status.PodIP)
		}
	}
	return ips
}

// holdsAll says whether s contains every one of parts.
func holdsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// httpGet is a shell command that asks http://host:port/ with nc and
// succeeds when the answer holds want.
func httpGet(host string, port int, want string) string {
	return fmt.Sprintf(`printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' | nc -w 3 %s %d | grep -q %q`, host, host, port, want)
}

// player returns a copy of the rig's cluster that authenticates as the
// player, through the kubeconfig the game writes for the player's shell.
func (r *rig) player() *cluster.Cluster {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := filepath.Join(r.t.TempDir(), "player.kubeconfig")
	if err := r.s.WritePlayerKubeconfig(ctx, path); err != nil {
		r.t.Fatalf("write the player's kubeconfig: %v", err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		r.t.Fatalf("load the player's kubeconfig %s: %v", path, err)
	}
	pc := *r.c
	pc.REST, pc.Kubeconfig, pc.Context = cfg, path, ""
	return &pc
}

// shAs runs a shell command in pod as the identity of c.
func (r *rig) shAs(c *cluster.Cluster, pod, cmd string) kindtest.ExecResult {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := kindtest.Exec(ctx, c.REST, r.ns, pod, "", "sh", "-c", cmd)
	if err != nil {
		r.t.Fatalf("exec in %s as %s: %v", pod, c.Kubeconfig, err)
	}
	r.t.Logf("in pod %s (as the player): %s -> %s", pod, cmd, res)
	return res
}

// event waits for an event of the rig's namespace with reason whose message
// holds part, and returns its message.
func (r *rig) event(reason, part string) string {
	r.t.Helper()
	var msg string
	ctx, cancel := context.WithTimeout(context.Background(), trafficTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		evs, err := r.cs.CoreV1().Events(r.ns).List(ctx, metav1.ListOptions{FieldSelector: "reason=" + reason})
		if err != nil {
			return false, nil //nolint:nilerr // a failed list is a reason to poll again
		}
		for _, e := range evs.Items {
			if strings.Contains(e.Message, part) {
				msg = e.InvolvedObject.Name + ": " + e.Message
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		r.t.Fatalf("no %s event saying %q within %s", reason, part, trafficTimeout)
	}
	return msg
}
