package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/engine/providers"
	"github.com/k8squest/k8squest/levels/game"
)

// globals holds the flags every command takes.
type globals struct {
	provider   string
	namespace  string
	kubeconfig string
	context    string
	dnsServer  string
	player     bool
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer

	// recreate lets a kind cluster that stays unhealthy be deleted and
	// created again (--recreate).
	recreate bool
	// allowUnprotected plays a shared game on current without the
	// protections the identity cannot create (--allow-unprotected).
	allowUnprotected bool
}

// exitError carries a specific exit code without printing anything more.
type exitError struct{ code int }

// Error implements error.
func (e exitError) Error() string { return "exit status " + strconv.Itoa(e.code) }

// hasFlag reports whether flag appears among args before a "--".
func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == flag || a == flag+"=true" {
			return true
		}
	}
	return false
}

func exitCode(err error) int {
	var e exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRootCmd(&globals{stdin: stdin, stdout: stdout, stderr: stderr})
	if os.Getenv(EnvDebug) != "" || hasFlag(args, "--debug") {
		closeLog, err := openDebugLog(args)
		if err != nil {
			return err
		}
		defer closeLog()
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "k8squest",
		Short:         "Learn Kubernetes by fixing a real, broken cluster",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			_, err := game.ValidDNSServer(g.dnsServer)
			return err
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&g.provider, "provider", "", "cluster provider: kind, current or sim (default: $"+providers.EnvProvider+", else kind when Docker or Podman answers, else sim when neither is installed)")
	f.StringVarP(&g.namespace, "namespace", "n", "", "namespace the level runs in (default: the level's own, k8squest)")
	f.StringVar(&g.kubeconfig, "kubeconfig", "", "kubeconfig file for the current provider (default: $KUBECONFIG, else ~/.kube/config)")
	f.StringVar(&g.context, "context", "", "kubeconfig context for the current provider")
	f.StringVar(&g.dnsServer, "dns-server", "", "ask this DNS server (HOST:PORT) for the DNS checks instead of port-forwarding to the cluster's DNS pod")
	f.BoolVar(&g.allowUnprotected, strings.TrimPrefix(game.AllowUnprotectedFlag, "--"), false,
		"current: play with -n in a namespace of your own (as several players sharing a cluster do) even when your identity cannot create the protections (quota, LimitRange, admission policies), with a warning instead of the refusal")
	f.Bool("debug", false, "write a debug log (client-go included) to "+debugLogPath()+"; also $"+EnvDebug)
	play := newPlayCmd(g)
	addRecreateFlag(root, &g.recreate)
	root.Args = cobra.NoArgs
	root.RunE = play.RunE
	root.AddCommand(gameCommands(g)...)
	root.AddCommand(newClusterCmd(g), newDNSCmd(g))
	root.AddCommand(newLintCmd(g), newDoctorCmd(g))
	root.AddCommand(newClassroomCmd(g))
	return root
}

// providerFor returns the chosen provider and tells the player which one it is
// when the choice was not explicit.
func (g *globals) providerFor(rep cluster.Reporter) (cluster.Provider, string, error) {
	return game.ProviderFor(g.options(), rep)
}

// providerOptions are the provider settings the flags give; kind, when not
// zero, is the node image and config a new kind cluster is created with.
func (g *globals) providerOptions(rep cluster.Reporter, kind kindcluster.CreateOptions) providers.Options {
	o := g.options().ProviderOptions(rep)
	o.Kind = kind
	return o
}

// addRecreateFlag adds --recreate to c.
func addRecreateFlag(c *cobra.Command, v *bool) {
	c.Flags().BoolVar(v, "recreate", false,
		"kind: when the existing cluster stays unhealthy (a node not Ready, no cluster DNS), delete it and create it again instead of stopping with the reason")
}
