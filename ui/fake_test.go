package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/score"
	"github.com/k8squest/k8squest/levels"
)

// fakeBackend is a Backend without a cluster.
type fakeBackend struct {
	mu        sync.Mutex
	levels    []*levels.Level
	state     progress.State
	sess      *fakeSession
	completed []score.Outcome
	notes     []*fieldnotes.Notes
	started   int
	connErr   error
	// recreates counts Recreate calls; Recreate succeeds.
	recreates int
	// kubeErr makes WritePlayerKubeconfig fail; shells records the
	// kubeconfig of every shell built.
	kubeErr error
	shells  []string
	// shellErr, when set, is Shell's answer.
	shellErr error
}

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		levels: []*levels.Level{level30()},
		state:  progress.State{Schema: progress.SchemaVersion, Levels: map[int]*progress.Level{}},
		sess:   newFakeSession("k8squest"),
	}
}

func (b *fakeBackend) Levels() []*levels.Level { return b.levels }

func (b *fakeBackend) Progress() (progress.State, error) { return b.state, nil }

func (b *fakeBackend) Connect(_ context.Context, rep cluster.Reporter) (string, error) {
	rep.Report(cluster.Event{Step: "Start the sim control plane", State: cluster.StepStarted})
	rep.Report(cluster.Event{Step: "Start the sim control plane", State: cluster.StepDone})
	if b.connErr != nil {
		return "", b.connErr
	}
	return "sim cluster k8squest-sim", nil
}

func (b *fakeBackend) Recreate(_ context.Context, rep cluster.Reporter) (string, error) {
	b.mu.Lock()
	b.recreates++
	b.mu.Unlock()
	rep.Report(cluster.Event{Step: "Delete and create the cluster", State: cluster.StepDone})
	return "kind cluster k8squest", nil
}

func (b *fakeBackend) Open(_ context.Context, _ *levels.Level) (Session, error) { return b.sess, nil }

func (b *fakeBackend) Complete(l *levels.Level, o score.Outcome, notes *fieldnotes.Notes) (score.Breakdown, progress.Award, progress.State, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.completed = append(b.completed, o)
	b.notes = append(b.notes, notes)
	bd := score.Score(o)
	rec := b.state.Levels[l.ID]
	a := progress.Award{Earned: bd.Total}
	if rec == nil {
		rec = &progress.Level{}
		b.state.Levels[l.ID] = rec
		a.FirstTime = true
	}
	if bd.Total > rec.BestXP {
		a.Gained = bd.Total - rec.BestXP
		rec.BestXP = bd.Total
	}
	rec.Completed = true
	rec.Notes = notes
	return bd, a, b.state, nil
}

func (b *fakeBackend) Started(*levels.Level) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started++
	return nil
}

func (b *fakeBackend) PlayerKubeconfigPath(l *levels.Level) string {
	return "/state/k8squest/players/" + l.Namespace + ".kubeconfig"
}

func (b *fakeBackend) WritePlayerKubeconfig(context.Context, *levels.Level) error { return b.kubeErr }

func (b *fakeBackend) Shell(_ context.Context, _ *levels.Level, kubeconfig string) (ShellCommand, error) {
	b.shells = append(b.shells, kubeconfig)
	if b.shellErr != nil {
		return nil, b.shellErr
	}
	return fakeShell{}, nil
}

// fakeShell is a shell that ends at once.
type fakeShell struct{}

func (fakeShell) Run() error          { return nil }
func (fakeShell) SetStdin(io.Reader)  {}
func (fakeShell) SetStdout(io.Writer) {}
func (fakeShell) SetStderr(io.Writer) {}

// fakeSession is a Session whose verdicts and drill the test controls.
type fakeSession struct {
	ns       string
	verdicts chan play.Verdict
	drill    drill.Result
	resets   int
	cleaned  int
	// teardownErr fails Teardown; teardownGate, when set, holds Teardown
	// until it closes.
	teardownErr  error
	teardownGate chan struct{}
	// observations are what Observe returns, in turn.
	mu           sync.Mutex
	observations []fieldnotes.Observation
}

func newFakeSession(ns string) *fakeSession {
	return &fakeSession{ns: ns, verdicts: make(chan play.Verdict, 8), drill: drill.Result{Passed: true, Message: "web-2.web-cluster followed the new pod"}}
}

func (s *fakeSession) Namespace() string { return s.ns }

func (s *fakeSession) Setup(_ context.Context, rep cluster.Reporter) error {
	step := "create the broken state of level 30 in namespace " + s.ns
	rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	rep.Report(cluster.Event{Step: step, State: cluster.StepDone})
	return nil
}

func (s *fakeSession) Reset(ctx context.Context, rep cluster.Reporter) error {
	s.resets++
	return s.Setup(ctx, rep)
}

func (s *fakeSession) Teardown(ctx context.Context, _ cluster.Reporter) error {
	s.cleaned++
	if s.teardownGate != nil {
		select {
		case <-s.teardownGate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.teardownErr
}

func (s *fakeSession) Watch(context.Context) <-chan play.Verdict { return s.verdicts }

func (s *fakeSession) Drill(_ context.Context, report func(drill.Step)) drill.Result {
	for _, st := range s.drill.Steps {
		report(st)
	}
	return s.drill
}

// Observe implements Session: the fake's observations, in turn, and then
// the last one again.
func (s *fakeSession) Observe(context.Context) (fieldnotes.Observation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.observations) == 0 {
		return fieldnotes.Observation{}, nil
	}
	o := s.observations[0]
	if len(s.observations) > 1 {
		s.observations = s.observations[1:]
	}
	return o, nil
}

func (s *fakeSession) HasDrill() (bool, string) {
	return true, "Reschedule drill: delete web-2 and watch DNS follow its replacement"
}

// t0 is the fixed start of every test clock.
var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// level30 is level 30 as the content tree describes it.
func level30() *levels.Level {
	return &levels.Level{
		ID: 30, World: 3, Title: "Headless Services & StatefulSet DNS",
		Concept:    "headless Services give StatefulSet pods stable DNS names",
		Difficulty: "advanced", XP: 300, Namespace: "k8squest",
		Briefing: briefing30,
		Debrief:  debriefMarkdown(4),
		Hints: []levels.Hint{
			{Text: "# Hint 1: ask DNS what it answers\n\nCompare `web-cluster` with `web-0.web-cluster`. What kind of Service answers with the pods' own addresses?", Cost: 30, Reveals: []string{"wiring", "ready"}},
			{Text: "# Hint 2: headless, and why patching fails\n\n`spec.clusterIP` is immutable once set.", Cost: 60, Reveals: []string{"shared-ip", "pod-dns", "service-dns"}},
			{Text: "# Hint 3: the replacement\n\nDelete the Service and create it again with `clusterIP: None`.", Cost: 90},
		},
		Solution: levels.Solution{Text: "# Solution\n\n```sh\nkubectl -n ${NAMESPACE} delete svc web-cluster\nkubectl -n ${NAMESPACE} apply -f web-cluster-headless.yaml\n```", Cost: 200},
		Checks: []levels.CheckSpec{
			{ID: "shared-ip", Title: "web-cluster hands out no shared address of its own", Type: "serviceHeadless"},
			{ID: "wiring", Title: "StatefulSet web's pods are named under web-cluster, and web-cluster leads to them", Type: "statefulSetService"},
			{ID: "ready", Title: "All replicas of StatefulSet web are Ready", Type: "workloadReady"},
			{ID: "pod-dns", Title: "Each web-N.web-cluster name answers pod web-N's current IP", Type: "statefulSetPodDNS"},
			{ID: "service-dns", Title: "web-cluster's name answers every ready pod of web, and SRV lists each pod", Type: "headlessServiceDNS"},
		},
		Spoilers: []string{"clusterIP: None", "cannot be changed", "headless", "immutable"},
		Drill:    &levels.DrillSpec{Title: "Reschedule drill: delete web-2 and watch DNS follow its replacement", Type: "statefulSetReschedule"},
	}
}

const briefing30 = `# Level 30: Headless Services & StatefulSet DNS

The StatefulSet ` + "`web`" + ` runs three replicas, ` + "`web-0`, `web-1` and `web-2`" + `, in
namespace ` + "`${NAMESPACE}`" + `. Its ` + "`serviceName`" + ` is ` + "`web-cluster`" + `.

Right now ` + "`web-cluster`" + ` was created with a fixed ` + "`clusterIP`" + `, so its name
answers a single virtual address and peers cannot see one another through it.

## Your mission

Make ` + "`web-cluster`" + ` give the StatefulSet's pods their identity, without
renaming anything.

## Useful commands

` + "```sh\nkubectl -n ${NAMESPACE} get svc web-cluster -o wide\nk8squest dns web-cluster.${NAMESPACE}.svc.cluster.local\n```\n"

// results builds a verdict's results from statuses and messages, in check order.
func results(sts []check.Status, msgs []string) []check.Result {
	l := level30()
	rs := make([]check.Result, len(l.Checks))
	for i, c := range l.Checks {
		rs[i] = check.Result{ID: c.ID, Title: c.Title, Status: sts[i], Message: msgs[i]}
	}
	return rs
}

// debriefMarkdown generates a debrief shaped like level 30's: headings,
// prose, YAML blocks, lists and a table, repeated n times.
func debriefMarkdown(n int) string {
	var b strings.Builder
	b.WriteString("# 🎯 Level 30 Debrief: Headless Services & StatefulSet DNS\n\n")
	b.WriteString("**Congratulations!** You fixed the StatefulSet's network identity.\n\n---\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "## %d. What a headless Service changes\n\n", i)
		b.WriteString("A Service with `clusterIP: None` gets **no virtual IP**. DNS answers its name with the IPs of its ready endpoints, and every pod of a StatefulSet that names the Service gets a stable record: `web-0.web-cluster.k8squest.svc.cluster.local`.\n\n")
		b.WriteString("```yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-cluster\nspec:\n  clusterIP: None  # headless\n  selector:\n    app: web-cluster\n  ports:\n  - port: 80\n```\n\n")
		b.WriteString("### Why this matters\n\n- **Peer discovery**: every member lists the others through SRV records\n- **Stable names**: `web-2` keeps its name when it is rescheduled\n- **Ordered start**: pods come up one by one, `web-0` first\n\n")
		b.WriteString("| Record | Answers | Changes when |\n|---|---|---|\n| `web-cluster` | every ready pod IP | a pod becomes ready or not |\n| `web-0.web-cluster` | web-0's IP | web-0 is replaced |\n| `_http._tcp.web-cluster` | SRV per pod | the set of pods changes |\n\n")
		b.WriteString("> **Pro tip:** `kubectl get endpointslices -l kubernetes.io/service-name=web-cluster` shows exactly what DNS will answer.\n\n")
	}
	return b.String()
}
