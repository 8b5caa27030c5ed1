package kindtest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
)

// EnforcerNamespace and EnforcerName name the DaemonSet of the harness's
// NetworkPolicy enforcer (kube-router's firewall), which
// scripts/kind/netpol.sh installs.
const (
	EnforcerNamespace = "kube-system"
	EnforcerName      = "k8squest-netpol"
)

// EnforcerTimeout bounds waiting for the enforcer to be ready on every node.
const EnforcerTimeout = 2 * time.Minute

// RequireEnforcer fails the test, never skips it, unless the harness's
// NetworkPolicy enforcer runs and is ready on every node of the cluster: a
// traffic test of a NetworkPolicy means nothing without one.
func RequireEnforcer(t testing.TB, c *cluster.Cluster) {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		t.Fatalf("kindtest: clientset: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), EnforcerTimeout)
	defer cancel()
	if err := WaitEnforcer(ctx, cs); err != nil {
		t.Fatalf("kindtest: %v\n(scripts/kind/up.sh installs it once the cluster exists: scripts/kind/netpol.sh install)", err)
	}
}

// WaitEnforcer polls until the enforcer's DaemonSet has a ready pod on every
// node it schedules to, or ctx ends, and then says what it last saw.
func WaitEnforcer(ctx context.Context, cs kubernetes.Interface) error {
	var last *appsv1.DaemonSet
	var lastErr error
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		ds, err := cs.AppsV1().DaemonSets(EnforcerNamespace).Get(ctx, EnforcerName, metav1.GetOptions{})
		if err != nil {
			lastErr = err
			return false, nil //nolint:nilerr // not installed yet, or the API blinked: ask again until ctx ends
		}
		last = ds
		st := ds.Status
		return st.ObservedGeneration >= ds.Generation && st.DesiredNumberScheduled > 0 &&
			st.NumberReady == st.DesiredNumberScheduled && st.UpdatedNumberScheduled == st.DesiredNumberScheduled, nil
	})
	if err == nil {
		return nil
	}
	if last == nil {
		return fmt.Errorf("NetworkPolicy enforcer DaemonSet %s/%s: %w (last error: %w)", EnforcerNamespace, EnforcerName, err, lastErr)
	}
	st := last.Status
	return fmt.Errorf("NetworkPolicy enforcer DaemonSet %s/%s not ready: %w (%d of %d pods ready, %d updated)",
		EnforcerNamespace, EnforcerName, err, st.NumberReady, st.DesiredNumberScheduled, st.UpdatedNumberScheduled)
}

// rejectRule matches kube-router's rule that refuses a pod's traffic, with
// its packet counter, in `iptables-save -c` output.
var rejectRule = regexp.MustCompile(`^\[(\d+):\d+\] -A \S+ .*--comment "rule to REJECT traffic destined for POD name:(\S+) namespace: (\S+)"`)

// Rejected returns how many packets the enforcer has refused, on every node,
// per pod of namespace ns: a count that grows only when the enforcer drops
// real packets to or from that pod.
func Rejected(ctx context.Context, c *cluster.Cluster, ns string) (map[string]int64, error) {
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("count the enforcer's rejections: clientset: %w", err)
	}
	pods, err := cs.CoreV1().Pods(EnforcerNamespace).List(ctx, metav1.ListOptions{LabelSelector: "k8s-app=" + EnforcerName})
	if err != nil {
		return nil, fmt.Errorf("list the enforcer's pods: %w", err)
	}
	if len(pods.Items) == 0 {
		return nil, fmt.Errorf("the enforcer %s/%s has no pods", EnforcerNamespace, EnforcerName)
	}
	n := map[string]int64{}
	for _, p := range pods.Items {
		res, err := Exec(ctx, c.REST, EnforcerNamespace, p.Name, "", "iptables-save", "-c", "-t", "filter")
		if err == nil {
			err = res.Err
		}
		if err != nil {
			return nil, fmt.Errorf("read the enforcer's rules on %s: %w (%s)", p.Spec.NodeName, err, res)
		}
		for _, line := range strings.Split(res.Stdout, "\n") {
			m := rejectRule.FindStringSubmatch(line)
			if m == nil || m[3] != ns {
				continue
			}
			v, err := strconv.ParseInt(m[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("packet counter of %q: %w", line, err)
			}
			n[m[2]] += v
		}
	}
	return n, nil
}
