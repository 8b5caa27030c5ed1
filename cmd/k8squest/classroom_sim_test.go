package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	gossh "golang.org/x/crypto/ssh"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/classroom"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels"
	room "github.com/k8squest/k8squest/ui/classroom"
)

// TestClassroomTwoLearnersOnSim: two learners join over SSH, start level
// 30, fetch their kubeconfig and fix the level as their own player; the
// instructor's status and the hub show both passing. Neither can reach
// the other's namespace, a learner cannot run status, a name stays bound
// to its key, a reconnect resumes the level with its clock, and `end
// --yes` leaves no namespace, ServiceAccount or binding of the class.
func TestClassroomTwoLearnersOnSim(t *testing.T) {
	admin := simtest.Clientset(t, simtest.Cluster(t))
	ws := workshopName(t)
	c := startClass(t, ws, t.TempDir(), newSigner(t))
	players := map[string]kubernetes.Interface{}
	for _, name := range []string{"alice", "bob"} {
		cl := c.learner(t, name)
		if out := mustSSH(t, cl, "start 30"); !strings.Contains(out, room.Namespace(ws, name)) {
			t.Fatalf("start 30 of %s does not name the namespace:\n%s", name, out)
		}
		players[name] = playerClient(t, mustSSH(t, cl, "kubeconfig"))
	}
	t.Cleanup(func() { cleanLearners(admin, ws, []string{"alice", "bob"}) })

	alice, bob := room.Namespace(ws, "alice"), room.Namespace(ws, "bob")
	ctx := context.Background()
	if _, err := players["alice"].CoreV1().Pods(bob).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("alice lists bob's pods: %v, want forbidden", err)
	}
	if err := players["alice"].CoreV1().Services(bob).Delete(ctx, "web-cluster", metav1.DeleteOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("alice deletes bob's Service: %v, want forbidden", err)
	}

	for name, ns := range map[string]string{"alice": alice, "bob": bob} {
		fixLevel30As(t, players[name], ns)
	}
	for _, name := range []string{"alice", "bob"} {
		cl := c.learner(t, name)
		waitUntil(t, name+"'s check 30 passing", 90*time.Second, func() bool {
			var v struct{ Passed bool }
			r := runSSH(t, cl, "check 30 --json")
			return json.Unmarshal([]byte(r.Stdout), &v) == nil && v.Passed
		})
	}
	inst := c.instructor(t)
	st := status(t, inst)
	for _, name := range []string{"alice", "bob"} {
		if r, ok := st[name]; !ok || r.Level != 30 || r.Total == 0 || r.Passing != r.Total {
			t.Fatalf("status --json of %s: %+v (present %t), want level 30 all passing", name, r, ok)
		}
	}
	boardShowsPassing(t, c, "alice", "bob")

	t.Run("learner runs status", func(t *testing.T) {
		r := runSSH(t, c.learner(t, "alice"), "status --json")
		if r.Status == 0 || !strings.Contains(r.Stderr, "instructor") {
			t.Fatalf("alice's status: exit %d, stderr %q; want refused", r.Status, r.Stderr)
		}
	})
	t.Run("name with another key", func(t *testing.T) {
		if _, err := dialClass(t, c.addr, "alice", c.keys["bob"]); err == nil {
			t.Fatal("alice logged in with bob's key")
		}
	})
	t.Run("reconnect resumes", func(t *testing.T) {
		resumesLevel(t, c, "alice", 30)
	})

	out := mustSSH(t, inst, "end --yes")
	if !strings.Contains(out, ws) {
		t.Fatalf("end --yes says:\n%s", out)
	}
	if left := classLeftovers(t, admin, ws); len(left) > 0 {
		t.Fatalf("after end --yes, still there: %s", strings.Join(left, ", "))
	}
}

// playerClient is a client on a kubeconfig a learner fetched.
func playerClient(t testing.TB, kubeconfig string) kubernetes.Interface {
	t.Helper()
	cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(kubeconfig))
	if err != nil {
		t.Fatalf("the learner's kubeconfig: %v\n%s", err, kubeconfig)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// fixLevel30As applies level 30's solution in ns as the player: the Service
// deleted and created again without a virtual IP.
func fixLevel30As(t testing.TB, cs kubernetes.Interface, ns string) {
	t.Helper()
	l, err := levels.Load(content.FS, "world-3/30-headless-dns")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := l.SolutionObjects(ns)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := cs.CoreV1().Services(ns).Delete(ctx, "web-cluster", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("player deletes Service web-cluster in %s: %v", ns, err)
	}
	for _, o := range objs {
		var svc corev1.Service
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &svc); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the new Service created", 30*time.Second, func() bool {
			_, err := cs.CoreV1().Services(ns).Create(ctx, &svc, metav1.CreateOptions{})
			return err == nil // the old one may still be going
		})
	}
}

// statusRow is one learner of `status --json`.
type statusRow struct {
	Name           string
	Level          int
	Passing, Total int
	Connected      bool
}

// status runs `status --json` as the instructor.
func status(t testing.TB, inst *gossh.Client) map[string]statusRow {
	t.Helper()
	var doc struct{ Learners []statusRow }
	out := mustSSH(t, inst, "status --json")
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	m := map[string]statusRow{}
	for _, r := range doc.Learners {
		m[r.Name] = r
	}
	return m
}

// boardShowsPassing waits for a snapshot of the hub, what the board
// draws, with every one of names passing.
func boardShowsPassing(t *testing.T, c *class, names ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub := c.w.Hub().Subscribe(ctx)
	defer sub.Close()
	for snap := range sub.C() {
		if allPassing(snap, names) {
			return
		}
	}
	t.Fatalf("no snapshot of the board showed %v passing", names)
}

// allPassing says whether every one of names passes in snap.
func allPassing(snap classroom.Snapshot, names []string) bool {
	for _, n := range names {
		r, ok := snap.Row(n)
		if !ok || r.Total == 0 || r.Passing != r.Total {
			return false
		}
	}
	return true
}

// classLeftovers lists, as the admin, what of workshop ws is left: its
// namespaces, its players' ServiceAccounts and cluster role bindings.
func classLeftovers(t *testing.T, cs kubernetes.Interface, ws string) []string {
	t.Helper()
	ctx := context.Background()
	var left []string
	nss, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nss.Items {
		if strings.HasPrefix(n.Name, ws+"-") {
			left = append(left, "namespace "+n.Name+" ("+string(n.Status.Phase)+")")
		}
	}
	sas, err := cs.CoreV1().ServiceAccounts(kube.PlayersNamespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sas.Items {
		if strings.HasPrefix(s.Name, kube.PlayerAccount(ws+"-")) {
			left = append(left, "ServiceAccount "+s.Name)
		}
	}
	crbs, err := cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range crbs.Items {
		for _, s := range b.Subjects {
			if strings.HasPrefix(s.Name, kube.PlayerAccount(ws+"-")) {
				left = append(left, "ClusterRoleBinding "+b.Name)
			}
		}
	}
	return left
}

// cleanLearners removes what a failed test left of learners names of
// workshop ws.
func cleanLearners(cs kubernetes.Interface, ws string, names []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, name := range names {
		ns := room.Namespace(ws, name)
		_ = cs.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		_ = kube.RemovePlayer(ctx, cs, ns)
	}
}

// resumesLevel: learner name, back on a terminal, is playing level again
// with its clock from the start their progress file recorded. The hub is
// first told of another level, so only the game's own report of the
// resumed level can set the row back.
func resumesLevel(t *testing.T, c *class, name string, level int) {
	t.Helper()
	cl := c.learner(t, name)
	var st struct {
		Levels map[string]struct {
			StartedAt time.Time `json:"startedAt"`
		}
	}
	if err := json.Unmarshal([]byte(mustSSH(t, cl, "progress --json")), &st); err != nil {
		t.Fatal(err)
	}
	t0 := st.Levels[fmt.Sprint(level)].StartedAt
	if t0.IsZero() {
		t.Fatalf("the progress file of %s records no start of level %d", name, level)
	}
	if err := c.w.Hub().Publish(classroom.Event{Learner: name, Kind: classroom.LevelStarted, Level: level - 1}); err != nil {
		t.Fatal(err)
	}
	s, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Stdout, s.Stderr = io.Discard, io.Discard
	if _, err := s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, fmt.Sprintf("the board showing %s back on level %d since %v", name, level, t0), 30*time.Second, func() bool {
		r, ok := c.w.Hub().Snapshot().Row(name)
		return ok && r.Connected && r.Level == level && r.Started.Equal(t0)
	})
}
