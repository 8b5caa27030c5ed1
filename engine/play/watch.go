package play

import (
	"context"
	"fmt"
	"time"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kube"
)

// RequeryInterval is how often checks that depend on DNS, which has no watch,
// are asked again while they fail or cannot observe.
const RequeryInterval = time.Second

// SettleInterval is how often they are asked while a DNS answer contradicts
// what the API shows (a result with Settling), and for ChangeWindow after
// every change the watch sees. The cluster DNS follows the API through a
// watch of its own, a moment behind the game's, and a cached answer is
// replaced the moment its TTL runs out: either way the fix shows within
// this much of the moment the DNS has it.
const SettleInterval = 250 * time.Millisecond

// ChangeWindow is how long after a change in the watched namespaces failing
// DNS checks are asked every SettleInterval rather than every
// RequeryInterval.
const ChangeWindow = 3 * time.Second

// evaluate runs every check once against the watcher's caches.
func (s *Session) evaluate(ctx context.Context, w *kube.Watcher) Verdict {
	env := s.env(w)
	v := Verdict{At: time.Now(), Passed: true}
	for _, it := range s.spec.Checks {
		r := it.Check.Run(ctx, env)
		r.ID, r.Title = it.ID, it.Title
		if r.Status != check.Pass {
			v.Passed = false
		}
		v.Results = append(v.Results, r)
	}
	if len(s.spec.Checks) > 0 && !env.Snap.HasNamespace(s.spec.Namespace) {
		v.Passed = false
		v.Err = fmt.Errorf("%w: namespace %s does not exist; reset the level to set it up again", ErrNamespaceGone, s.spec.Namespace)
	}
	return v
}

// CheckOnce runs every check once and returns the verdict. When a DNS
// answer contradicts what the API shows, it may be a cached answer from
// before a fix; the checks are then run again, every SettleInterval, until
// they settle or the answer's TTL has run out.
func (s *Session) CheckOnce(ctx context.Context) (Verdict, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := kube.NewWatcher(s.cs, s.namespaces())
	if err := w.Start(ctx); err != nil {
		return Verdict{}, err
	}
	v := s.evaluate(ctx, w)
	deadline := time.Now().Add(settling(v))
	for settling(v) > 0 && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return v, nil
		case <-time.After(SettleInterval):
		}
		v = s.evaluate(ctx, w)
	}
	return v, nil
}

// settling is the longest Settling of the failing results.
func settling(v Verdict) time.Duration {
	var d time.Duration
	for _, r := range v.Results {
		if r.Status != check.Pass {
			d = max(d, r.Settling)
		}
	}
	return d
}

// Watch runs the checks on every change in the level's namespaces until ctx
// ends, and sends each verdict that differs from the previous one. Checks
// that need asking again (DNS) are re-run every RequeryInterval while they
// are not passing. The channel closes when ctx ends.
func (s *Session) Watch(ctx context.Context) <-chan Verdict {
	out := make(chan Verdict, 1)
	go func() {
		defer close(out)
		s.watchLoop(ctx, out)
	}()
	return out
}

// HealthInterval is how often Watch asks the API server's /readyz. Informers
// retry a dropped watch quietly, so asking is how a watch notices an API
// server that went away; while it is away Watch asks every RequeryInterval.
const HealthInterval = 2 * time.Second

// probeTimeout bounds one /readyz request.
const probeTimeout = 2 * time.Second

func (s *Session) watchLoop(ctx context.Context, out chan<- Verdict) {
	w, stop, err := s.startWatcher(ctx, out, nil)
	if err != nil {
		return
	}
	// stop always holds the cancel of the last watcher started, never nil:
	// a restart that fails leaves the one already stopped in place.
	defer func() { stop() }()
	var last *Verdict
	var lastChange time.Time
	down := false
	requery := time.NewTimer(time.Hour)
	defer requery.Stop()
	health := time.NewTicker(HealthInterval)
	defer health.Stop()
	for {
		probe := down
		select {
		case <-ctx.Done():
			return
		case <-w.Changes():
			lastChange = time.Now()
		case <-requery.C:
		case <-health.C:
			probe = true
		}
		var v Verdict
		if err := s.health(ctx, w, probe); err != nil {
			down = true
			v = staleVerdict(last, err)
		} else {
			if down {
				// Back from an outage the informers may be deep in their
				// backoff; fresh ones read the current state at once.
				stop()
				nw, nstop, err := s.startWatcher(ctx, out, last)
				if err != nil {
					return
				}
				w, stop, down = nw, nstop, false
			}
			v = s.evaluate(ctx, w)
		}
		if last == nil || changed(*last, v) {
			if !send(ctx, out, v) {
				return
			}
			last = &v
		}
		requery.Reset(nextRequery(v, time.Since(lastChange)))
	}
}

// startWatcher starts the informers, retrying while the API is unreachable
// and telling the player so; last, when not nil, holds the results to keep
// showing meanwhile.
func (s *Session) startWatcher(ctx context.Context, out chan<- Verdict, last *Verdict) (*kube.Watcher, context.CancelFunc, error) {
	for {
		w := kube.NewWatcher(s.cs, s.namespaces())
		actx, cancel := context.WithCancel(ctx)
		err := w.Start(actx)
		if err == nil {
			return w, cancel, nil
		}
		cancel()
		if !send(ctx, out, staleVerdict(last, fmt.Errorf("%w: %w", ErrAPIUnreachable, err))) {
			return nil, nil, ctx.Err()
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(RequeryInterval):
		}
	}
}

// health returns an error wrapping ErrAPIUnreachable when the API server does
// not answer /readyz. It asks when probe is set or the watcher saw an error.
func (s *Session) health(ctx context.Context, w *kube.Watcher, probe bool) error {
	werr := w.Err()
	if werr == nil && !probe {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	_, perr := s.cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(pctx)
	if perr == nil {
		w.ClearErr()
		return nil
	}
	if werr != nil {
		return fmt.Errorf("%w: %w", ErrAPIUnreachable, werr)
	}
	return fmt.Errorf("%w: %w", ErrAPIUnreachable, perr)
}

func staleVerdict(last *Verdict, err error) Verdict {
	v := Verdict{At: time.Now(), Err: err}
	if last != nil {
		v.Results = last.Results
	}
	return v
}

// nextRequery is when to run v's checks again without a change in the
// API, sinceChange after the last one: soon while a DNS answer settles or
// the change is recent, every RequeryInterval while a check that needs
// asking fails or cannot observe, else only on changes.
func nextRequery(v Verdict, sinceChange time.Duration) time.Duration {
	if v.Err != nil {
		return RequeryInterval
	}
	if settling(v) > 0 {
		return SettleInterval
	}
	for _, r := range v.Results {
		if r.Status != check.Pass && (r.Requery || r.Status == check.Unknown) {
			if sinceChange < ChangeWindow {
				return SettleInterval
			}
			return RequeryInterval
		}
	}
	return time.Hour
}

func send(ctx context.Context, out chan<- Verdict, v Verdict) bool {
	select {
	case out <- v:
		return true
	case <-ctx.Done():
		return false
	}
}

// changed reports whether two verdicts differ in anything the player sees.
func changed(a, b Verdict) bool {
	if a.Passed != b.Passed || (a.Err == nil) != (b.Err == nil) || len(a.Results) != len(b.Results) {
		return true
	}
	if a.Err != nil && a.Err.Error() != b.Err.Error() {
		return true
	}
	for i := range a.Results {
		x, y := a.Results[i], b.Results[i]
		if x.Status != y.Status || x.Message != y.Message || x.Diagnosis != y.Diagnosis {
			return true
		}
	}
	return false
}
