package kindcluster

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// clusterLabel is the label kind puts on every node container of a cluster.
const clusterLabel = "io.x-k8s.kind.cluster"

// nodeContainer is one kind node container and its runtime state
// ("running", "exited", "created", "paused", ...).
type nodeContainer struct {
	Name  string
	State string
	// StartedAt is when the container last started, on the runtime's
	// clock (the kubelet's too, unlike the host's under Docker Desktop);
	// zero when unknown.
	StartedAt time.Time
}

// running reports whether the container runs.
func (n nodeContainer) running() bool { return n.State == "running" }

// nodeRuntime looks at and starts the node containers of a cluster.
type nodeRuntime interface {
	// Nodes returns the cluster's node containers, stopped ones included.
	Nodes(ctx context.Context, cluster string) ([]nodeContainer, error)
	// Start starts (or unpauses) the given stopped node containers.
	Start(ctx context.Context, nodes []nodeContainer) error
}

// cliRuntime is a nodeRuntime that runs the runtime's CLI (docker, podman,
// nerdctl), as kind does.
type cliRuntime struct {
	binary string
	cmder  kindexec.Cmder
}

var _ nodeRuntime = cliRuntime{}

// Nodes implements nodeRuntime: `ps -a` finds the containers by kind's
// label, `inspect` reads each one's state.
func (r cliRuntime) Nodes(ctx context.Context, cluster string) ([]nodeContainer, error) {
	names, err := r.lines(ctx, "ps", "-a", "--filter", "label="+clusterLabel+"="+cluster, "--format", "{{.Names}}")
	if err != nil {
		return nil, fmt.Errorf("list the node containers of kind cluster %s: %w", cluster, err)
	}
	slices.Sort(names)
	nodes := make([]nodeContainer, 0, len(names))
	for _, name := range names {
		st, err := r.lines(ctx, "inspect", "--format", "{{.State.Status}}|{{.State.StartedAt}}", name)
		if err != nil {
			return nil, fmt.Errorf("inspect kind node container %s: %w", name, err)
		}
		n := nodeContainer{Name: name, State: "unknown"}
		if len(st) > 0 {
			state, at, _ := strings.Cut(st[0], "|")
			n.State, n.StartedAt = strings.ToLower(state), parseStartedAt(at)
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// Start implements nodeRuntime.
func (r cliRuntime) Start(ctx context.Context, nodes []nodeContainer) error {
	for _, n := range nodes {
		verb := "start"
		if n.State == "paused" {
			verb = "unpause"
		}
		if _, err := r.lines(ctx, verb, n.Name); err != nil {
			return fmt.Errorf("%s kind node container %s (it was %s): %w", verb, n.Name, n.State, err)
		}
	}
	return nil
}

// lines runs the runtime with args and returns its non-empty output lines;
// a failure carries what the command printed.
func (r cliRuntime) lines(ctx context.Context, args ...string) ([]string, error) {
	lines, err := kindexec.OutputLines(r.cmder.CommandContext(ctx, r.binary, args...))
	if err != nil {
		return nil, withOutput(err)
	}
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// parseStartedAt reads State.StartedAt as Docker and nerdctl print it
// (RFC 3339) or as Podman does (Go's time format); zero when it cannot.
func parseStartedAt(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999 -0700 MST"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() > 1 {
			return t
		}
	}
	return time.Time{}
}

// stopped returns the nodes that do not run.
func stopped(nodes []nodeContainer) []nodeContainer {
	var out []nodeContainer
	for _, n := range nodes {
		if !n.running() {
			out = append(out, n)
		}
	}
	return out
}

// describeNodes says "k8squest-control-plane (exited)" for each node.
func describeNodes(nodes []nodeContainer) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = n.Name + " (" + n.State + ")"
	}
	return strings.Join(parts, ", ")
}
