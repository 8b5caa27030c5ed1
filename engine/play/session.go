package play

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/kube"
)

// Session is one level bound to one cluster and namespace.
type Session struct {
	cluster *cluster.Cluster
	spec    Spec
	cs      kubernetes.Interface
	applier *kube.Applier
	purger  *kube.Purger
	dns     dns.Resolver
	limits  settleLimits
}

// New binds spec to cluster c. The resolver answers the level's DNS checks;
// the caller owns it and closes it.
func New(c *cluster.Cluster, spec Spec, r dns.Resolver) (*Session, error) {
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster: %w", err)
	}
	dyn, err := dynamic.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster: %w", err)
	}
	return &Session{
		cluster: c, spec: spec, cs: cs, dns: r,
		applier: kube.NewApplier(dyn, cs.Discovery()),
		purger:  kube.NewPurger(dyn, cs.Discovery()),
		limits:  defaultSettleLimits,
	}, nil
}

// Namespace is the level's main namespace.
func (s *Session) Namespace() string { return s.spec.Namespace }

// Spec returns the level as bound.
func (s *Session) Spec() Spec { return s.spec }

// Namespaces returns every namespace the level uses, main one first.
func (s *Session) Namespaces() []string { return s.namespaces() }

// namespaces returns every namespace the level uses, main one first.
func (s *Session) namespaces() []string {
	out := []string{s.spec.Namespace}
	var extra []string
	for _, ns := range s.spec.Namespaces {
		if ns != s.spec.Namespace {
			extra = append(extra, ns)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// Setup removes anything left from an earlier attempt (in place: the
// namespaces stay), creates the level's namespaces that are missing, applies
// the broken state and waits for its workloads to settle.
func (s *Session) Setup(ctx context.Context, rep cluster.Reporter) error {
	rep = serialized(rep)
	if err := s.clear(ctx, rep); err != nil {
		return err
	}
	step := fmt.Sprintf("create the broken state of level %d in namespace %s", s.spec.Level, s.spec.Namespace)
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	for _, ns := range s.namespaces() {
		if err := kube.EnsureNamespace(ctx, s.cs, ns, s.spec.Level); err != nil {
			return s.failed(rep, step, err)
		}
	}
	// Before anything is applied: a quota admits objects only once counted.
	if err := s.protect(ctx, rep); err != nil {
		return s.failed(rep, step, err)
	}
	// The watch that settle needs syncs while the broken state is applied.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := kube.NewWatcher(s.cs, s.namespaces())
	started := make(chan error, 1)
	go func() { started <- w.Start(ctx) }()
	// The player's access does not depend on the level's objects.
	granted := make(chan error, 1)
	go func() { granted <- s.grantPlayer(ctx) }()
	if err := errors.Join(s.applyBroken(ctx, rep), <-granted); err != nil {
		return s.failed(rep, step, err)
	}
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return s.settle(ctx, rep, w, started)
}

// ipSpread is how far past a taken cluster IP a retry may start looking
// for a free one (see kube.AvoidTakenClusterIPs).
const ipSpread = 4096

// applyBroken applies the level's objects. Another player may take a fixed
// cluster IP between the check for free addresses and the apply; then the
// addresses are chosen again, at a random distance, a few times at most.
func (s *Session) applyBroken(ctx context.Context, rep cluster.Reporter) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var objs []*unstructured.Unstructured
		spread := 0
		if attempt > 0 {
			spread = ipSpread
		}
		if objs, err = s.fitted(ctx, rep, spread); err != nil {
			return err
		}
		if err = s.applier.Apply(ctx, objs); err == nil || !strings.Contains(err.Error(), "already allocated") {
			return err
		}
	}
	return err
}

// fitted returns copies of the level's objects with fixed ClusterIPs moved
// into this cluster's service range when they fall outside it, and off the
// addresses other Services hold (spread as kube.AvoidTakenClusterIPs takes it).
func (s *Session) fitted(ctx context.Context, rep cluster.Reporter, spread int) ([]*unstructured.Unstructured, error) {
	objs := make([]*unstructured.Unstructured, len(s.spec.Objects))
	fixed := false
	for i, o := range s.spec.Objects {
		objs[i] = o.DeepCopy()
		if ip, _, _ := unstructured.NestedString(o.Object, "spec", "clusterIP"); o.GetKind() == "Service" && ip != "" && ip != "None" {
			fixed = true
		}
	}
	if !fixed {
		return objs, nil
	}
	ranges, err := kube.ServiceCIDRs(ctx, s.cs)
	if err != nil {
		return nil, err
	}
	notes, err := kube.FitClusterIPs(objs, ranges)
	if err != nil {
		return nil, err
	}
	more, err := kube.AvoidTakenClusterIPs(ctx, s.cs, objs, ranges, spread)
	if err != nil {
		return nil, err
	}
	notes = append(notes, more...)
	for _, n := range notes {
		rep.Report(cluster.Event{Step: "fit the level to this cluster", State: cluster.StepInfo, Detail: n})
	}
	return objs, nil
}

// ServiceRanges returns the cluster's service IP ranges.
func (s *Session) ServiceRanges(ctx context.Context) ([]netip.Prefix, error) {
	return kube.ServiceCIDRs(ctx, s.cs)
}

// clear empties every existing namespace of the level in place, keeping the
// player's Role and RoleBinding, so that the broken state goes into clean
// namespaces without waiting for the namespace controller. A namespace that
// is still being deleted is waited out; a missing one is left to Setup.
func (s *Session) clear(ctx context.Context, rep cluster.Reporter) error {
	return s.eachNamespace(func(ns string) error {
		state, err := kube.StateOfNamespace(ctx, s.cs, ns)
		if err != nil {
			return s.failed(rep, "remove everything in namespace "+ns, err)
		}
		switch state {
		case kube.NamespaceActive:
			return s.step(rep, "remove everything in namespace "+ns, func() error { return s.purger.Purge(ctx, ns) })
		case kube.NamespaceTerminating:
			return s.step(rep, "wait for namespace "+ns+" to finish deleting", func() error { return kube.WaitNamespaceGone(ctx, s.cs, ns) })
		case kube.NamespaceMissing:
		}
		return nil
	})
}

// teardownPurgeTimeout bounds the in-place emptying that Teardown does
// before it deletes a namespace.
const teardownPurgeTimeout = 30 * time.Second

// Teardown deletes every namespace of the level, all at once, and waits
// until they are gone, reporting a step for each while it runs. Each is
// emptied in place first, so that pods get at most kube.PurgePodGrace to
// stop and the namespace controller finds nothing left to wait for. Then
// the player's block of node ports, if the level gave one, is given back.
func (s *Session) Teardown(ctx context.Context, rep cluster.Reporter) error {
	rep = serialized(rep)
	if err := s.removeNamespaces(ctx, rep); err != nil {
		return err
	}
	if s.spec.Protections.NodePortRange == nil {
		return nil
	}
	if err := kube.ReleaseNodePorts(ctx, s.cs, s.spec.Namespace); err != nil && !apierrors.IsForbidden(err) {
		return err
	}
	return nil
}

// removeNamespaces deletes every namespace of the level, all at once.
func (s *Session) removeNamespaces(ctx context.Context, rep cluster.Reporter) error {
	return s.eachNamespace(func(ns string) error {
		return s.step(rep, "remove namespace "+ns, func() error {
			state, err := kube.StateOfNamespace(ctx, s.cs, ns)
			if err != nil || state == kube.NamespaceMissing {
				return err
			}
			if state == kube.NamespaceActive {
				// Only a head start: what the purge could not remove, the
				// namespace controller still tries, and DeleteNamespace
				// reports.
				pctx, cancel := context.WithTimeout(ctx, teardownPurgeTimeout)
				_ = s.purger.Purge(pctx, ns)
				cancel()
			}
			return kube.DeleteNamespace(ctx, s.cs, ns)
		})
	})
}

// eachNamespace runs f for every namespace of the level at once and joins
// their errors.
func (s *Session) eachNamespace(f func(ns string) error) error {
	nss := s.namespaces()
	errs := make([]error, len(nss))
	var wg sync.WaitGroup
	for i, ns := range nss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(ns)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// serialized returns a Reporter that passes one event at a time to rep, for
// steps that run at once.
func serialized(rep cluster.Reporter) cluster.Reporter {
	if rep == nil {
		return nil
	}
	var mu sync.Mutex
	return func(e cluster.Event) {
		mu.Lock()
		defer mu.Unlock()
		rep(e)
	}
}

// Reset returns the level to its broken state: it empties the level's
// namespaces in place and sets the broken state up again. The player's
// identity and its access stay valid throughout.
func (s *Session) Reset(ctx context.Context, rep cluster.Reporter) error {
	return s.Setup(ctx, rep)
}

// step reports a step as started, runs f, and reports it done or failed.
func (s *Session) step(rep cluster.Reporter, name string, f func() error) error {
	rep.Report(cluster.Event{Step: name, State: cluster.StepStarted})
	if err := f(); err != nil {
		return s.failed(rep, name, err)
	}
	rep.Report(cluster.Event{Step: name, State: cluster.StepDone})
	return nil
}

func (s *Session) failed(rep cluster.Reporter, step string, err error) error {
	rep.Report(cluster.Event{Step: step, State: cluster.StepFailed, Detail: err.Error()})
	return err
}

// env builds what checks see from a watcher's caches.
func (s *Session) env(w *kube.Watcher) *check.Env {
	return &check.Env{
		Namespace:  s.spec.Namespace,
		Namespaces: s.spec.Namespaces,
		Snap:       w.Snapshot(),
		DNS:        s.dns,
		Domain:     s.domain(),
		// A read: lets a check name another player's Service holding a
		// cluster-wide resource.
		ClusterServices: s.cs.CoreV1().Services(metav1.NamespaceAll),
	}
}

func (s *Session) domain() string {
	if s.cluster.Domain != "" {
		return s.cluster.Domain
	}
	return cluster.DefaultDomain
}

// Drill runs the level's drill against the current state. It watches the
// namespaces for the snapshot it starts from.
func (s *Session) Drill(ctx context.Context, report func(drill.Step)) drill.Result {
	if s.spec.Drill == nil {
		return drill.Result{Passed: true, Message: "this level has no drill"}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := kube.NewWatcher(s.cs, s.namespaces())
	if err := w.Start(ctx); err != nil {
		return drill.Result{Message: err.Error()}
	}
	env := &drill.Env{Env: *s.env(w), Client: s.cs, Report: report}
	return s.spec.Drill.Drill.Run(ctx, env)
}
