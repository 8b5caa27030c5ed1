package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/cluster"
)

// runner starts one fresh cluster and remembers what it started.
type runner struct {
	p     *Provider
	l     layout
	st    *State
	bins  map[string]string
	procs []*started
	cs    *kubernetes.Clientset
	c     *cluster.Cluster
}

// start brings up a fresh cluster; on failure it stops what it started and
// removes the state file, so the next Up starts clean.
func (p *Provider) start(ctx context.Context, bins map[string]string) (*cluster.Cluster, error) {
	l := p.layout()
	if err := clearState(l); err != nil {
		return nil, err
	}
	ports, err := pickPortsFn(p.opts.APIPort)
	if err != nil {
		return nil, err
	}
	if err := writeConfigs(l, ports); err != nil {
		return nil, err
	}
	st := &State{Started: time.Now(), Ports: ports, Kubeconfig: l.kubeconfig(), Versions: versionStrings()}
	r := &runner{p: p, l: l, st: st, bins: bins}
	c, err := r.run(ctx)
	if err != nil {
		// Keep the logs for the player to read; without state.json the
		// next Up starts from a clean directory.
		stopProcs(st.Procs, 10*time.Second)
		_ = os.Remove(l.state())
		return nil, err
	}
	return c, nil
}

func versionStrings() []string {
	var vs []string
	for _, v := range Versions() {
		vs = append(vs, v[0]+" "+v[1])
	}
	return vs
}

func (r *runner) run(ctx context.Context) (*cluster.Cluster, error) {
	ctx, cancel := context.WithTimeout(ctx, r.p.opts.ReadyTimeout)
	defer cancel()
	for _, s := range r.steps() {
		if err := r.doStep(ctx, s.name, s.detail, s.fn); err != nil {
			return nil, err
		}
	}
	r.st.Ready = true
	r.st.ReadyAfter = elapsed(r.st.Started)
	if err := saveState(r.l, r.st); err != nil {
		return nil, err
	}
	return r.c, nil
}

type runStep struct {
	name, detail string
	fn           func(context.Context) error
}

func (r *runner) steps() []runStep {
	return []runStep{
		{"start etcd", "", r.startEtcd},
		{"start kube-apiserver", "", r.startAPIServer},
		{"start controller-manager, scheduler, kwok, coredns", "", r.startRest},
		{"create node " + NodeName, "", r.createNode},
		{"wait for the node to be Ready", "", r.waitNode},
		{"wait for the default service account", "", r.waitServiceAccount},
		{"wait for cluster DNS", "", r.waitDNS},
	}
}

func (r *runner) doStep(ctx context.Context, name, detail string, fn func(context.Context) error) error {
	r.p.step(name, cluster.StepStarted, detail)
	start := time.Now()
	if err := fn(ctx); err != nil {
		r.p.step(name, cluster.StepFailed, firstLine(err.Error()))
		return fmt.Errorf("%s: %w", name, err)
	}
	r.p.step(name, cluster.StepDone, time.Since(start).Round(100*time.Millisecond).String())
	return nil
}

// launch starts one process and records it in state.json at once, so that a
// crash right after leaves a state Down or the next Up can clean.
func (r *runner) launch(name string, args []string) error {
	s, err := startProc(name, r.bins[name], r.l.log(name), args)
	if err != nil {
		return err
	}
	r.procs = append(r.procs, s)
	r.st.Procs = append(r.st.Procs, s.Proc)
	if r.st.Args == nil {
		r.st.Args = map[string][]string{}
	}
	r.st.Args[name] = args
	return saveState(r.l, r.st)
}

func (r *runner) startEtcd(ctx context.Context) error {
	if err := r.launch("etcd", etcdArgs(r.l, r.st.Ports)); err != nil {
		return err
	}
	return r.poll(ctx, "etcd to listen", func(context.Context) bool { return dialOK(r.st.Ports.Etcd) })
}

func (r *runner) startAPIServer(ctx context.Context) error {
	if err := r.launch("kube-apiserver", apiserverArgs(r.l, r.st.Ports)); err != nil {
		return err
	}
	c, err := clusterFor(r.st)
	if err != nil {
		return err
	}
	r.c = c
	if r.cs, err = kubernetes.NewForConfig(c.REST); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return r.poll(ctx, "/readyz", func(ctx context.Context) bool { return apiReady(ctx, c) == nil })
}

func (r *runner) startRest(context.Context) error {
	for _, p := range []struct {
		name string
		args []string
	}{
		{"kube-controller-manager", controllerArgs(r.l, r.st.Ports)},
		{"kube-scheduler", schedulerArgs(r.l, r.st.Ports)},
		{"kwok", kwokArgs(r.l, r.st.Ports)},
		{"coredns", corednsArgs(r.l)},
	} {
		if err := r.launch(p.name, p.args); err != nil {
			return err
		}
	}
	return nil
}

// poll calls ok every 200 ms until it is true, ctx ends, or one of our
// processes exits (then the error names it and shows its log's tail).
func (r *runner) poll(ctx context.Context, what string, ok func(context.Context) bool) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := r.exited(); err != nil {
			return err
		}
		if ok(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w%s", what, ctx.Err(), r.logHint())
		case <-tick.C:
		}
	}
}

// exited returns an error for the first of our processes that has exited.
func (r *runner) exited() error {
	for _, s := range r.procs {
		select {
		case <-s.exited:
			return r.exitError(s)
		default:
		}
	}
	return nil
}

func (r *runner) exitError(s *started) error {
	logPath := r.l.log(s.Name)
	t := logTail(logPath, 15)
	msg := fmt.Sprintf("%s exited early (%v)", s.Name, s.err)
	if strings.Contains(t, "address already in use") {
		msg += "; a port it needs is already in use by another program"
	}
	return fmt.Errorf("%w: %s; last lines of %s:\n%s", ErrProcessExited, msg, logPath, t)
}

// ErrProcessExited says that a cluster process exited while the cluster was starting.
var ErrProcessExited = errors.New("sim process exited")

// logHint names the logs to read after a timeout.
func (r *runner) logHint() string {
	return "; logs are in " + r.l.logs()
}

func dialOK(port int) bool {
	c, err := net.DialTimeout("tcp", loopback(port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	// With nothing listening, a dial can still connect to itself (TCP
	// simultaneous open) when the kernel picks the port as the source port.
	return c.LocalAddr().String() != c.RemoteAddr().String()
}
