// Package drill holds the exercises a level runs against the cluster once its
// checks pass, such as deleting a pod and following its replacement. Unlike
// checks, drills write to the cluster, and only through the client they get.
package drill

import (
	"context"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/check"
)

// Step is one observed step of a drill, for live display.
type Step struct {
	At      time.Time
	Message string
}

// Result is a drill's outcome.
type Result struct {
	Passed bool
	// Steps are what the drill did and saw, in order.
	Steps []Step
	// Message summarises the outcome.
	Message string
	// Replaced is what a drill that replaced a pod saw; nil otherwise.
	Replaced *Replacement
}

// Replacement is one pod a drill deleted and the pod that replaced it.
type Replacement struct {
	Pod          string
	OldIP, NewIP string
	// Deleted, Ready and DNSFollowed are when the pod was deleted, when its
	// replacement was Ready, and when its DNS name answered the new IP
	// (zero while it had not).
	Deleted, Ready, DNSFollowed time.Time
}

// Env is what a drill may use: the read side of a check, plus a client that writes.
type Env struct {
	check.Env
	Client kubernetes.Interface
	// Report receives each step as it happens; it may be nil.
	Report func(Step)
}

// Drill is one drill with its parameters bound.
type Drill interface {
	Run(ctx context.Context, env *Env) Result
}
