// Package check holds the typed checks a level names in its spec, and the
// registry that builds them from their parameters.
package check

import (
	"context"
	"time"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

// Status is a check's verdict.
type Status int

const (
	// Pending means the check has not run yet, or waits on checks it depends on.
	Pending Status = iota
	// Pass means the cluster showed what the check asks for.
	Pass
	// Fail means the cluster showed something else.
	Fail
	// Unknown means the check could not observe the cluster (DNS or API unreachable).
	Unknown
)

// String implements fmt.Stringer.
func (s Status) String() string {
	switch s {
	case Pending:
		return "pending"
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case Unknown:
		return "unknown"
	default:
		return "invalid"
	}
}

// Result is what one check observed.
type Result struct {
	// ID is the check's id in the level spec.
	ID string
	// Title is the check's one-line description.
	Title  string
	Status Status
	// Message is the symptom: what a client of the system observes, in the
	// player's terms. It never names the fix.
	Message string
	// Diagnosis says why: which field or object causes the symptom, and what
	// the cluster refused. The game shows it once a hint reveals it.
	Diagnosis string
	// Requery is true when the verdict depends on something without a watch
	// (DNS), so it must be asked again while it fails.
	Requery bool
	// Settling is set when a DNS answer contradicts what the API shows (the
	// Service is headless, but DNS still answers its virtual IP): the answer
	// may come from a cache, and a one-shot run should ask again for up to
	// this long before trusting the failure.
	Settling time.Duration
}

// Passed reports whether the check passed.
func (r Result) Passed() bool { return r.Status == Pass }

// Env is what a check may look at: a snapshot of the level's namespaces read
// from informer caches, and the cluster's DNS. Checks never write.
type Env struct {
	// Namespace is the level's main namespace.
	Namespace string
	// Namespaces maps a role in the level spec ("backend") to a namespace name.
	Namespaces map[string]string
	// Snap is the cached state of the watched namespaces.
	Snap *snapshot.Snapshot
	// DNS answers questions the way the cluster's DNS answers pods.
	DNS dns.Resolver
	// Domain is the cluster domain.
	Domain string
	// ClusterServices lists the Services of every namespace, so that a check
	// can name another namespace's Service holding a cluster-wide resource
	// such as a nodePort; nil searches only the snapshot.
	ClusterServices ServiceLister
}

// Check is one typed check with its parameters bound.
type Check interface {
	// Run observes the cluster and returns Status, Message, Diagnosis and
	// Requery; the caller fills ID and Title.
	Run(ctx context.Context, env *Env) Result
}
