package levels_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/content"
	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kube"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/levels"
)

// rig is one level set up in its own namespace on the test cluster: the
// shared sim cluster, or the kind cluster under the kind build tag (see
// testCluster).
type rig struct {
	t       testing.TB
	c       *cluster.Cluster
	level   *levels.Level
	ns      string
	s       *play.Session
	cs      kubernetes.Interface
	applier *kube.Applier
}

// setUp starts level id in a fresh namespace and tears it down after the test.
func setUp(t testing.TB, id int) *rig {
	t.Helper()
	ns := fmt.Sprintf("t%d-%s", id, randHex())
	return setUpBound(t, bindLevel(t, loadLevel(t, id), ns), ns)
}

// loadLevel loads level id from the game's content.
func loadLevel(t testing.TB, id int) *levels.Level {
	t.Helper()
	ls, err := levels.LoadAll(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ls {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("level %d not found", id)
	return nil
}

// bindLevel binds l to namespace ns on the test cluster, as the game does:
// a level that uses node ports gets the player's own block.
func bindLevel(t testing.TB, l *levels.Level, ns string) *levels.Level {
	t.Helper()
	c, _ := testCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := l.WithNamespace(ns).BindNodePorts(ctx, simtest.Clientset(t, c))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// setUpBound starts level l, bound to namespace ns, and tears it down after
// the test.
func setUpBound(t testing.TB, l *levels.Level, ns string) *rig {
	t.Helper()
	c, r := testCluster(t)
	spec, err := l.Spec(ns)
	if err != nil {
		t.Fatal(err)
	}
	s, err := play.New(c, spec, r)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Registered first, so that it runs last: a block of node ports that
	// Setup never reached is given back too.
	t.Cleanup(func() { releaseNodePorts(t, c, ns) })
	if err := s.Setup(ctx, nil); err != nil {
		t.Fatalf("set level %d up: %v", l.ID, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := s.Teardown(ctx, nil); err != nil {
			t.Errorf("tear level %d down: %v", l.ID, err)
		}
	})
	cs := simtest.Clientset(t, c)
	dyn, err := dynamic.NewForConfig(c.REST)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, c: c, level: l, ns: ns, s: s, cs: cs, applier: kube.NewApplier(dyn, cs.Discovery())}
}

// releaseNodePorts gives back the node ports the player of ns holds.
func releaseNodePorts(t testing.TB, c *cluster.Cluster, ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kube.ReleaseNodePorts(ctx, simtest.Clientset(t, c), ns); err != nil {
		t.Errorf("release the node ports of %s: %v", ns, err)
	}
}

func randHex() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// apply applies YAML (with ${NAMESPACE} replaced) into the rig's namespace.
func (r *rig) apply(yaml string) {
	r.t.Helper()
	objs, err := kube.Decode([]byte(strings.ReplaceAll(yaml, levels.NamespaceVar, r.ns)))
	if err != nil {
		r.t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetNamespace() == "" {
			o.SetNamespace(r.ns)
		}
	}
	r.applyObjs(objs)
}

func (r *rig) applyObjs(objs []*unstructured.Unstructured) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.applier.Apply(ctx, objs); err != nil {
		r.t.Fatal(err)
	}
}

// applySolution applies the level's solution manifests.
func (r *rig) applySolution() {
	r.t.Helper()
	objs, err := r.level.SolutionObjects(r.ns)
	if err != nil {
		r.t.Fatal(err)
	}
	r.applyObjs(objs)
}

// until watches the level until cond holds for a verdict, and fails the test
// with the last verdict after timeout.
func (r *rig) until(timeout time.Duration, what string, cond func(play.Verdict) bool) play.Verdict {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last play.Verdict
	for v := range r.s.Watch(ctx) {
		last = v
		if cond(v) {
			return v
		}
	}
	r.t.Fatalf("after %s, still not %s; last verdict:\n%s", timeout, what, dump(last))
	return last
}

// settled waits until the verdict stops changing for a moment after cond holds,
// for assertions on a stable failing state.
func (r *rig) once() play.Verdict {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := r.s.CheckOnce(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func dump(v play.Verdict) string {
	var b strings.Builder
	if v.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", v.Err)
	}
	for _, x := range v.Results {
		fmt.Fprintf(&b, "  %-12s %-7s %s\n  %-12s %-7s why: %s\n", x.ID, x.Status, x.Message, "", "", x.Diagnosis)
	}
	return b.String()
}

func result(v play.Verdict, id string) check.Result {
	for _, x := range v.Results {
		if x.ID == id {
			return x
		}
	}
	return check.Result{ID: id, Status: check.Pending, Message: "no such check", Diagnosis: "no such check"}
}

// is returns a condition: check id has status st and its diagnosis holds
// every part.
func is(id string, st check.Status, parts ...string) func(play.Verdict) bool {
	return func(v play.Verdict) bool {
		x := result(v, id)
		if x.Status != st {
			return false
		}
		for _, p := range parts {
			if !strings.Contains(x.Diagnosis, p) {
				return false
			}
		}
		return true
	}
}

func all(conds ...func(play.Verdict) bool) func(play.Verdict) bool {
	return func(v play.Verdict) bool {
		for _, c := range conds {
			if !c(v) {
				return false
			}
		}
		return true
	}
}

func passed(v play.Verdict) bool { return v.Passed }
