// Package cluster holds the types every cluster provider shares: a running
// cluster the game can talk to, the provider interface, and progress events.
package cluster

import (
	"context"
	"errors"

	"k8s.io/client-go/rest"
)

// DefaultDomain is the cluster domain used when a provider does not say otherwise.
const DefaultDomain = "cluster.local"

// ErrNotRunning says that a provider has no running cluster to connect to.
var ErrNotRunning = errors.New("cluster is not running")

// ErrUnhealthy says that a provider's cluster exists but is not healthy (a
// node not Ready, no cluster DNS, an API server that does not answer) and
// was left as it is: deleting and creating it again is the player's call.
var ErrUnhealthy = errors.New("cluster is unhealthy")

// ErrNotManaged says that a provider does not create or delete its cluster
// (the current kubeconfig context, for example).
var ErrNotManaged = errors.New("this provider does not manage the cluster's lifecycle")

// Cluster is a reachable cluster: how to talk to its API and to its DNS.
type Cluster struct {
	// Provider is the provider's name: "sim", "kind" or "current".
	Provider string
	// Name is a human name for the cluster, such as "k8squest" or a context name.
	Name string
	// Kubeconfig is the path of an admin kubeconfig file for this cluster,
	// suitable for KUBECONFIG in the player's shell.
	Kubeconfig string
	// Context is the context to use inside Kubeconfig; empty means its current-context.
	Context string
	// REST is the admin client configuration.
	REST *rest.Config
	// DNSAddr is a host:port where the cluster DNS answers directly from this
	// host. Empty means DNS must be reached by port-forwarding to a DNS pod.
	DNSAddr string
	// Domain is the cluster domain, usually "cluster.local".
	Domain string
}

// StepState is the state of one step of a long operation.
type StepState int

const (
	// StepStarted says a step began.
	StepStarted StepState = iota
	// StepDone says a step finished successfully.
	StepDone
	// StepFailed says a step failed.
	StepFailed
	// StepInfo is a line of information inside the current step.
	StepInfo
)

// String implements fmt.Stringer.
func (s StepState) String() string {
	switch s {
	case StepStarted:
		return "started"
	case StepDone:
		return "done"
	case StepFailed:
		return "failed"
	case StepInfo:
		return "info"
	default:
		return "unknown"
	}
}

// Event reports progress of a long operation such as building binaries or
// creating a cluster.
type Event struct {
	Step   string
	State  StepState
	Detail string
}

// Reporter receives progress events. It must not block for long.
type Reporter func(Event)

// Report sends e to r when r is not nil.
func (r Reporter) Report(e Event) {
	if r != nil {
		r(e)
	}
}

// Status describes a provider's cluster for `k8squest cluster status`.
type Status struct {
	Running bool
	// Lines are human-readable facts, one per line.
	Lines []string
}

// Provider creates, finds and removes a cluster of one kind.
type Provider interface {
	// Name returns the provider's name.
	Name() string
	// Install fetches or builds what the provider needs without starting anything.
	Install(ctx context.Context) error
	// Up creates or starts the cluster when needed and returns once it is ready.
	// Calling it on a running cluster returns that cluster.
	Up(ctx context.Context) (*Cluster, error)
	// Connect returns the running cluster, or an error wrapping ErrNotRunning.
	Connect(ctx context.Context) (*Cluster, error)
	// Down stops or deletes the cluster. Stopping nothing is not an error.
	Down(ctx context.Context) error
	// Status describes the cluster.
	Status(ctx context.Context) (Status, error)
}
