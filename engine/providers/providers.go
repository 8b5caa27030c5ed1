// Package providers chooses and builds a cluster provider by name.
package providers

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/currentcluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/engine/sim"
)

// Names lists the provider names in the order they are documented.
var Names = []string{"kind", "current", "sim"}

// EnvProvider is the environment variable that picks a provider when no flag does.
const EnvProvider = "K8SQUEST_PROVIDER"

// Options configure every provider.
type Options struct {
	// Kubeconfig and Context are honoured by the current provider as kubectl does.
	Kubeconfig string
	Context    string
	// Reporter receives progress events from long operations.
	Reporter cluster.Reporter
	// CacheDir and StateDir override the XDG directories (tests use them).
	CacheDir string
	StateDir string
	// Recreate lets the kind provider delete an unhealthy cluster and
	// create it again (the --recreate flag).
	Recreate bool
	// Kind is the node image and kind config for a new kind cluster; the
	// zero value takes $K8SQUEST_KIND_IMAGE and $K8SQUEST_KIND_CONFIG.
	Kind kindcluster.CreateOptions
}

// Get returns the provider called name. An empty name means: $K8SQUEST_PROVIDER,
// else kind when a container runtime answers, else sim when none is
// installed. A runtime that is installed but does not answer is an error
// saying so (wrapping kindcluster.ErrRuntimeNotAnswering), not a quiet
// choice of sim. The returned reason says why that provider was chosen, for
// the game to show.
func Get(name string, o Options) (p cluster.Provider, reason string, err error) {
	if name != "" {
		p, err = build(name, o)
		if err != nil {
			return nil, "", fmt.Errorf("--provider %q: %w", name, err)
		}
		return p, "chosen with --provider " + name, nil
	}
	if env := strings.TrimSpace(os.Getenv(EnvProvider)); env != "" {
		p, err = build(env, o)
		if err != nil {
			return nil, "", fmt.Errorf("$%s=%q: %w", EnvProvider, env, err)
		}
		return p, fmt.Sprintf("$%s is %s", EnvProvider, env), nil
	}
	return autoChoose(o)
}

// autoChoose picks kind on the runtime that answered, and sim when no
// runtime is installed.
func autoChoose(o Options) (cluster.Provider, string, error) {
	rt, err := detectRuntime()
	switch {
	case err == nil:
		return newKind(o, rt), rt.Binary + " answered; using a kind cluster", nil
	case errors.Is(err, kindcluster.ErrNoContainerRuntime):
		p, err := build(sim.Name, o)
		return p, "no Docker or Podman is installed; using the sim cluster", err
	default:
		return nil, "", fmt.Errorf("choose a cluster: %w", err)
	}
}

func newKind(o Options, rt kindcluster.Runtime) *kindcluster.Provider {
	create := o.Kind
	if create.NodeImage == "" && create.ConfigFile == "" {
		env := kindcluster.CreateOptionsFromEnv()
		create.NodeImage, create.ConfigFile = env.NodeImage, env.ConfigFile
	}
	return kindcluster.New(kindcluster.Options{
		StateDir: o.StateDir, Reporter: o.Reporter, Runtime: rt, Recreate: o.Recreate,
		CreateOptions: create,
	})
}

// build returns the provider called name.
func build(name string, o Options) (cluster.Provider, error) {
	if err := checkAdvertise(strings.ToLower(name), o.Kind.Advertise); err != nil {
		return nil, err
	}
	switch strings.ToLower(name) {
	case kindcluster.Name:
		return newKind(o, kindcluster.Runtime{}), nil
	case currentcluster.Name:
		return currentcluster.New(currentcluster.Options{
			Kubeconfig: o.Kubeconfig, Context: o.Context, StateDir: o.StateDir, Reporter: o.Reporter,
		}), nil
	case sim.Name:
		return sim.New(sim.Options{CacheDir: o.CacheDir, StateDir: o.StateDir, Reporter: o.Reporter}), nil
	default:
		return nil, fmt.Errorf("unknown provider; the --provider flag takes one of %s",
			strings.Join(Names, ", "))
	}
}

// checkAdvertise refuses --advertise on a provider that cannot publish its
// API server for other machines.
func checkAdvertise(name string, a kindcluster.Advertise) error {
	if a.Host == "" {
		return nil
	}
	switch name {
	case sim.Name:
		return fmt.Errorf("--advertise %s: the sim cluster listens on 127.0.0.1 only, so learners on other machines cannot reach it; "+
			"use --provider kind for a classroom over the network, or drop --advertise", a.Host)
	case currentcluster.Name:
		return fmt.Errorf("--advertise %s: the current cluster is reached at its kubeconfig's server, which the game does not change; drop --advertise", a.Host)
	}
	return nil
}
