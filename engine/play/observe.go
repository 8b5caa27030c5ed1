package play

import (
	"context"
	"fmt"
	"sort"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/fieldnotes"
	"github.com/k8squest/k8squest/engine/kube"
)

// Observe reads the level's Services as a client sees them: each one's
// ready endpoints and what the cluster's DNS answers for its name and for
// the per-pod names of the pods under it. The field notes are built from
// these observations.
func (s *Session) Observe(ctx context.Context) (fieldnotes.Observation, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := kube.NewWatcher(s.cs, s.namespaces())
	if err := w.Start(ctx); err != nil {
		return fieldnotes.Observation{}, fmt.Errorf("observe level %d: %w", s.spec.Level, err)
	}
	return Observe(ctx, s.env(w)), nil
}

// Observe builds one observation from what checks see.
func Observe(ctx context.Context, env *check.Env) fieldnotes.Observation {
	o := fieldnotes.Observation{At: time.Now()}
	for _, svc := range env.Snap.Services {
		fs := fieldnotes.Service{Namespace: svc.Namespace, Name: svc.Name, ClusterIP: svc.Spec.ClusterIP,
			Endpoints: readyAddresses(env.Snap.SlicesFor(svc.Namespace, svc.Name))}
		base := fmt.Sprintf("%s.%s.svc.%s", svc.Name, svc.Namespace, env.Domain)
		fs.DNS = ask(ctx, env, base)
		for _, p := range env.Snap.Pods {
			if p.Namespace == svc.Namespace && p.Spec.Subdomain == svc.Name && p.Spec.Hostname != "" && p.DeletionTimestamp == nil {
				fs.Pods = append(fs.Pods, ask(ctx, env, p.Spec.Hostname+"."+base))
			}
		}
		o.Services = append(o.Services, fs)
	}
	return o
}

// ask asks the cluster's DNS for name's A records.
func ask(ctx context.Context, env *check.Env, name string) fieldnotes.Answer {
	a := fieldnotes.Answer{Name: name}
	if env.DNS == nil {
		a.Rcode = "no resolver"
		return a
	}
	ans, err := env.DNS.Query(ctx, name, dns.A)
	if err != nil {
		a.Rcode = err.Error()
		return a
	}
	a.Rcode = ans.Rcode
	for _, r := range ans.Records {
		if r.Type == dns.A {
			a.Values = append(a.Values, r.Value)
		}
	}
	sort.Strings(a.Values)
	return a
}

// readyAddresses lists the ready, not terminating, addresses of slices as
// "IP (pod)", sorted.
func readyAddresses(slices []*discoveryv1.EndpointSlice) []string {
	seen := map[string]bool{}
	var out []string
	for _, es := range slices {
		for _, ep := range es.Endpoints {
			if (ep.Conditions.Ready != nil && !*ep.Conditions.Ready) || (ep.Conditions.Terminating != nil && *ep.Conditions.Terminating) {
				continue
			}
			for _, ip := range ep.Addresses {
				s := ip
				if ep.TargetRef != nil && ep.TargetRef.Kind == "Pod" {
					s += " (" + ep.TargetRef.Name + ")"
				}
				if !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// DrillNote turns a drill's result into its field note; inShell says the
// player was in the game's shell while it ran.
func DrillNote(r drill.Result, inShell bool) *fieldnotes.Drill {
	d := &fieldnotes.Drill{Passed: r.Passed, Message: r.Message, InShell: inShell}
	if x := r.Replaced; x != nil {
		d.Pod, d.OldIP, d.NewIP = x.Pod, x.OldIP, x.NewIP
		if !x.Ready.IsZero() {
			d.ReadyAfter = x.Ready.Sub(x.Deleted)
		}
		if !x.DNSFollowed.IsZero() {
			d.DNSAfter = x.DNSFollowed.Sub(x.Ready)
		}
	}
	return d
}
