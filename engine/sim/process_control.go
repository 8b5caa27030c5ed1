package sim

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Process names of a sim cluster, in start order.
const (
	ProcEtcd       = "etcd"
	ProcAPIServer  = "kube-apiserver"
	ProcController = "kube-controller-manager"
	ProcScheduler  = "kube-scheduler"
	ProcKwok       = "kwok"
	ProcCoreDNS    = "coredns"
)

// ErrNoSuchProcess says that the cluster has no process of that name.
var ErrNoSuchProcess = errors.New("no such sim process")

// Kill stops one process of the running cluster with SIGKILL, as a crash
// would, and waits until it is gone. state.json records it with pid 0, so
// Connect and Status report the cluster as not running until Restart.
// Killing a process that already exited only records that.
func (p *Provider) Kill(ctx context.Context, name string) error {
	return p.withProc(ctx, name, func(st *State, i int) error {
		pr := st.Procs[i]
		if procAlive(pr) {
			_ = syscall.Kill(pr.PID, syscall.SIGKILL)
			if err := waitDead(ctx, pr); err != nil {
				return err
			}
		}
		st.Procs[i].PID = 0
		return nil
	})
}

// Restart starts one process again with the arguments it was first started
// with, stopping it first if it still runs, records the new pid in
// state.json and waits until the process serves again: the API server's
// /readyz, a DNS answer from CoreDNS, a listening port for the others.
func (p *Provider) Restart(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.ReadyTimeout)
	defer cancel()
	return p.withProc(ctx, name, func(st *State, i int) error {
		pr := st.Procs[i]
		if procAlive(pr) {
			signalAndWait([]Proc{pr}, 10*time.Second)
		}
		args, err := p.argsOf(st, name)
		if err != nil {
			return err
		}
		s, err := startProc(name, pr.Binary, p.layout().log(name), args)
		if err != nil {
			return err
		}
		st.Procs[i].PID = s.PID
		// Record the new pid before waiting, so that Down can stop it
		// even if it never becomes ready.
		if err := saveState(p.layout(), st); err != nil {
			return err
		}
		return p.waitServing(ctx, st, s)
	})
}

// withProc runs fn on the named process of the locked, loaded state and
// saves the state afterwards, also when fn fails.
func (p *Provider) withProc(ctx context.Context, name string, fn func(st *State, i int) error) error {
	l := p.layout()
	fl, err := lockState(ctx, l, p.waitingForLock)
	if err != nil {
		return err
	}
	defer unlock(fl)
	st, err := loadState(l)
	if err != nil {
		return fmt.Errorf("%w: %w", cluster.ErrNotRunning, err)
	}
	if st == nil {
		return fmt.Errorf("no sim cluster in %s: %w", l.dir, cluster.ErrNotRunning)
	}
	i := procIndex(st, name)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoSuchProcess, name)
	}
	ferr := fn(st, i)
	if err := saveState(l, st); err != nil {
		return errors.Join(ferr, err)
	}
	if ferr != nil {
		return fmt.Errorf("%s: %w", name, ferr)
	}
	return nil
}

func procIndex(st *State, name string) int {
	for i, pr := range st.Procs {
		if pr.Name == name {
			return i
		}
	}
	return -1
}

// argsOf returns the arguments name was started with: the ones state.json
// recorded, else the ones this build would use for the recorded ports.
func (p *Provider) argsOf(st *State, name string) ([]string, error) {
	if a, ok := st.Args[name]; ok {
		return a, nil
	}
	if a, ok := buildArgs(p.layout(), st.Ports, name); ok {
		return a, nil
	}
	return nil, fmt.Errorf("%w: %q has no recorded arguments", ErrNoSuchProcess, name)
}

// waitServing polls until the restarted process serves, or it exits.
func (p *Provider) waitServing(ctx context.Context, st *State, s *started) error {
	ok, err := p.servingProbe(st, s.Name)
	if err != nil {
		return err
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("%w: %s exited after the restart (%w); last lines of %s:\n%s",
				ErrProcessExited, s.Name, s.err, p.layout().log(s.Name), logTail(p.layout().log(s.Name), 15))
		default:
		}
		if ok(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s to serve again: %w; its log is %s", s.Name, ctx.Err(), p.layout().log(s.Name))
		case <-tick.C:
		}
	}
}

// servingProbe returns the readiness test of one process.
func (p *Provider) servingProbe(st *State, name string) (func(context.Context) bool, error) {
	port := func(n int) func(context.Context) bool { return func(context.Context) bool { return dialOK(n) } }
	switch name {
	case ProcAPIServer:
		c, err := clusterFor(st)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) bool { return apiReady(ctx, c) == nil }, nil
	case ProcCoreDNS:
		return func(ctx context.Context) bool {
			_, err := LookupA(ctx, loopback(st.Ports.DNS), "kubernetes.default.svc."+cluster.DefaultDomain)
			return err == nil
		}, nil
	case ProcEtcd:
		return port(st.Ports.Etcd), nil
	case ProcController:
		return port(st.Ports.Controller), nil
	case ProcScheduler:
		return port(st.Ports.Scheduler), nil
	case ProcKwok:
		return port(st.Ports.Kwok), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrNoSuchProcess, name)
}

// waitDead waits until pr has finished exiting (a zombie counts as gone).
func waitDead(ctx context.Context, pr Proc) error {
	for end := time.Now().Add(10 * time.Second); !procExited(pr); {
		if time.Now().After(end) {
			return fmt.Errorf("pid %d still runs after SIGKILL", pr.PID)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}
