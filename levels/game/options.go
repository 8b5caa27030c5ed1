package game

import (
	"fmt"
	"io"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/engine/providers"
	"github.com/k8squest/k8squest/engine/xdg"
	"github.com/k8squest/k8squest/levels"
)

// Options say which cluster a Game plays on and where. Errors about them
// name the command-line flag that sets each one (--namespace), which the CLI
// and the SSH server share.
type Options struct {
	// Provider is kind, current or sim; empty means $K8SQUEST_PROVIDER,
	// else the one providers.Get picks, and the game says why.
	Provider string
	// Namespace is where every level plays; empty means each level's own.
	Namespace string
	// Kubeconfig is the current provider's kubeconfig file, as kubectl's
	// --kubeconfig; empty means $KUBECONFIG, else ~/.kube/config.
	Kubeconfig string
	// Context is the current provider's kubeconfig context, as kubectl's
	// --context; empty means the current-context.
	Context string
	// DNSServer (HOST:PORT), when set, is asked by the DNS checks instead of
	// the cluster's own DNS.
	DNSServer string
	// Recreate lets a kind cluster that stays unhealthy be deleted and
	// created again.
	Recreate bool
	// StateDir holds this player's own files: the player kubeconfigs, in
	// StateDir/players. Empty means the game's state directory
	// ($XDG_STATE_HOME/k8squest). The cluster's own files stay where its
	// provider keeps them, so several players can share one cluster.
	StateDir string
	// ProgressPath is this player's progress file; empty means
	// $K8SQUEST_PROGRESS, else progress.json in the game's state directory.
	ProgressPath string
	// Shared says several players share the cluster (a classroom): on the
	// current provider the game then refuses to run unless the user's
	// identity can put every protection in place. Playing in a Namespace
	// that is no level's own counts as shared too.
	Shared bool
	// AllowUnprotected lets a shared game run on the current provider
	// without the protections the identity cannot create, with a loud
	// warning instead of the refusal (--allow-unprotected).
	AllowUnprotected bool
	// APIServer, when set, is the API server's URL that the player
	// kubeconfigs name (kindcluster.Advertise.Server() for `classroom
	// serve --advertise`), in place of the address this machine uses.
	APIServer string
	// RemoteShell, when set, makes `s` open a shell in a pod of the
	// cluster, never a process on this machine: the SSH server sets it for
	// every learner.
	RemoteShell *RemoteShell
	// Advertise, when its Host is set, creates a new kind cluster with its
	// API server published for other machines (classroom serve
	// --advertise); other providers refuse it.
	Advertise kindcluster.Advertise
	// MaxPods, when above zero, is the kubelet's pod limit on every node of
	// a kind cluster the game creates (ClassroomMaxPods gives it for a
	// class); a cluster that exists keeps its own. Other providers ignore it.
	MaxPods int
	// Learners, when above zero, sizes the controller-manager's API client
	// rate of a kind cluster the game creates for a class of that many
	// (cluster.ControllerRate); a cluster that exists keeps its own. Other
	// providers ignore it.
	Learners int
	// Adopt, when set, is the connection the game plays on instead of
	// connecting on its own: Connect and Reach take it as it is, and Close
	// leaves it open for its owner (see Conn).
	Adopt *Conn
	// Notices receives the lines the player should see outside the game's
	// screen: skipped levels, a progress file set aside. Nil discards them.
	Notices io.Writer
}

// validate checks the options that can be checked without a cluster.
func (o Options) validate() error {
	if o.Namespace != "" {
		if err := levels.ValidNamespace(o.Namespace); err != nil {
			return fmt.Errorf("--namespace: %w", err)
		}
	}
	if _, err := ValidDNSServer(o.DNSServer); err != nil {
		return err
	}
	return validAdopt(o.Adopt)
}

// ProviderOptions are the provider settings o gives, reporting long steps
// on rep.
func (o Options) ProviderOptions(rep cluster.Reporter) providers.Options {
	return providers.Options{
		Kubeconfig: o.Kubeconfig,
		Context:    o.Context,
		Reporter:   rep,
		Recreate:   o.Recreate,
		Kind:       kindcluster.CreateOptions{Advertise: o.Advertise, MaxPods: o.MaxPods, Learners: o.Learners},
	}
}

// ProviderFor returns the provider o names and, when o names none, why
// that one was chosen.
func ProviderFor(o Options, rep cluster.Reporter) (cluster.Provider, string, error) {
	return providers.Get(o.Provider, o.ProviderOptions(rep))
}

// stateDir is o.StateDir or its default.
func (o Options) stateDir() string {
	if o.StateDir == "" {
		return xdg.StateDir()
	}
	return o.StateDir
}

// progressPath is o.ProgressPath or its default.
func (o Options) progressPath() string {
	if o.ProgressPath == "" {
		return prog.DefaultPath()
	}
	return o.ProgressPath
}

// notices is where o's notices go.
func (o Options) notices() io.Writer {
	if o.Notices == nil {
		return io.Discard
	}
	return o.Notices
}
