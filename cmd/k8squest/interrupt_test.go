package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/simtest"
)

// syncBuffer is a bytes.Buffer safe for a child's output and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// interrupted runs bin with args, sends SIGINT once ready reports true
// (polled every 20 ms for up to a minute), and returns the exit code and
// stderr.
func interrupted(t *testing.T, env []string, bin string, ready func(stderr string) bool, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for !ready(stderr.String()) {
		select {
		case err := <-exited:
			t.Fatalf("%s ended (%v) before the moment to interrupt it:\n%s", strings.Join(args, " "), err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("%s: the moment to interrupt never came:\n%s", strings.Join(args, " "), stderr.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stderr.String()
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not end within 30s of SIGINT:\n%s", strings.Join(args, " "), stderr.String())
	}
	return 0, ""
}

// wantCancelled checks an interrupted command's exit code and message.
func wantCancelled(t *testing.T, what string, code int, stderr string) {
	t.Helper()
	if code != exitInterrupted {
		t.Errorf("%s: exit code %d after SIGINT, want %d", what, code, exitInterrupted)
	}
	if !strings.Contains(stderr, "k8squest: cancelled") || strings.Contains(stderr, "timed out") {
		t.Errorf("%s: stderr does not say it was cancelled, or says it timed out:\n%s", what, stderr)
	}
}

// TestInterruptedCommandsExit130 runs the real binary on sim and sends
// SIGINT at the two moments that went wrong: a start waiting for its
// workloads (it said "starting anyway", exited 0 and recorded an attempt),
// and a reset waiting for the namespace to be deleted (it said "timed out
// waiting for the condition"). Both must say they were cancelled, exit 130
// and record nothing.
func TestInterruptedCommandsExit130(t *testing.T) {
	c := simtest.Cluster(t)
	cs := simtest.Clientset(t, c)
	bin := buildBinary(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	ns := "sigint-" + hex.EncodeToString(b)
	env := []string{"K8SQUEST_PROVIDER=sim", "K8SQUEST_PROGRESS=" + filepath.Join(t.TempDir(), "progress.json")}
	runCmd(t, env, bin, "start", "30", "-n", ns)
	t.Cleanup(func() { runCmd(t, env, bin, "teardown", "30", "-n", ns) })

	// Pods may not be created in ns: the level's StatefulSet never gets
	// ready, so start waits for its workloads until interrupted.
	denyPods(t, cs, ns)
	code, stderr := interrupted(t, env, bin, func(s string) bool {
		// The settle step watches and says what it waits for.
		return strings.Contains(s, "wait for the level's workloads") && strings.Contains(s, "StatefulSet web:")
	}, "start", "30", "-n", ns)
	wantCancelled(t, "start", code, stderr)
	if n := attempts(t, env, bin, 30); n != 1 {
		t.Errorf("attempts on level 30 = %d after an interrupted start, want 1 (the first start only)", n)
	}

	// A finalizer holds the deletion up: reset waits until interrupted.
	simtest.Hold(t, cs, ns)
	code, stderr = interrupted(t, env, bin, waitingOnDelete(cs, ns), "reset", "30", "-n", ns)
	wantCancelled(t, "reset", code, stderr)
}

// denyPods makes the API server refuse pods in ns, until the test ends, and
// waits until it does.
func denyPods(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	ctx := context.Background()
	name := "k8squest-test-deny-pods-" + ns
	fail := admissionv1.Fail
	vap := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: &fail,
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
				},
			}}},
			Validations: []admissionv1.Validation{{Expression: "false", Message: "pods are held back by " + t.Name()}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{corev1.LabelMetadataName: ns},
			}},
		},
	}
	api := cs.AdmissionregistrationV1()
	if _, err := api.ValidatingAdmissionPolicies().Create(ctx, vap, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{}) })
	if _, err := api.ValidatingAdmissionPolicyBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{}) })
	probe := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: ns},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := cs.CoreV1().Pods(ns).Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil && strings.Contains(err.Error(), "held back") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the policy denying pods in %s does not apply after 30s (last answer: %v)", ns, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitingOnDelete is ready half a second after ns, or the held ConfigMap,
// started being deleted: the command is then well into its wait (past
// client-go's 100 ms cache-sync poll), where a cancel used to read as a
// timeout.
func waitingOnDelete(cs kubernetes.Interface, ns string) func(string) bool {
	var since time.Time
	return func(string) bool {
		if since.IsZero() {
			if deleting(cs, ns) {
				since = time.Now()
			}
			return false
		}
		return time.Since(since) > 500*time.Millisecond
	}
}

// deleting reports whether ns, or the held ConfigMap in it, is being
// deleted: a reset is waiting on the finalizer.
func deleting(cs kubernetes.Interface, ns string) bool {
	ctx := context.Background()
	if n, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{}); err == nil && n.DeletionTimestamp != nil {
		return true
	}
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "hold", metav1.GetOptions{})
	return err == nil && cm.DeletionTimestamp != nil
}

// attempts reads the attempts recorded on level id.
func attempts(t *testing.T, env []string, bin string, id int) int {
	t.Helper()
	var p struct {
		Levels map[string]struct {
			Attempts int `json:"attempts"`
		} `json:"levels"`
	}
	out := runCmd(t, env, bin, "progress", "--json")
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("progress --json is not JSON: %v\n%s", err, out)
	}
	return p.Levels[strconv.Itoa(id)].Attempts
}

// TestCtrlCInTheGameExits130: Ctrl+C in the game ends it as cancelled, with
// exit code 130, not as a normal quit.
func TestCtrlCInTheGameExits130(t *testing.T) {
	simtest.Cluster(t)
	bin := buildBinary(t)
	env := []string{"K8SQUEST_PROVIDER=sim", "K8SQUEST_PROGRESS=" + filepath.Join(t.TempDir(), "progress.json")}
	tm := startTerm(t, env, bin+" play 30; echo EXITED $?; sleep 60")
	tm.waitFor(30*time.Second, "LEVEL 30", "enter start level")
	tm.keys("C-c")
	tm.waitFor(10*time.Second, "k8squest: cancelled", "EXITED 130")
}
