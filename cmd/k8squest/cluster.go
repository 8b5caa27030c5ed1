package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/engine/providers"
	"github.com/k8squest/k8squest/engine/sim"
)

// newClusterCmd returns `k8squest cluster` and its subcommands.
func newClusterCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "cluster",
		Short: "Install, start, stop and inspect the game's cluster",
	}
	c.AddCommand(
		clusterSub(g, "install", "Fetch or build what the provider needs, without starting anything", clusterInstall),
		newClusterUpCmd(g),
		clusterSub(g, "down", "Stop the cluster (binaries stay cached)", clusterDown),
		clusterSub(g, "status", "Show whether the cluster runs, its processes, ports and versions", clusterStatus),
		newClusterKubeconfigCmd(g),
	)
	return c
}

type clusterAction func(ctx context.Context, g *globals, p cluster.Provider) error

func clusterSub(g *globals, use, short string, act clusterAction) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return g.withProvider(cmd.Context(), upFlags{}, act)
		},
	}
}

// upFlags are the provider-specific flags of `cluster up`.
type upFlags struct {
	apiPort int
	kind    kindcluster.CreateOptions
	// kindFlag names --image or --config when given on the command line.
	kindFlag string
}

func newClusterUpCmd(g *globals) *cobra.Command {
	var f upFlags
	env := kindcluster.CreateOptionsFromEnv()
	c := &cobra.Command{
		Use:   "up",
		Short: "Start the cluster (building what it needs) and wait until it is ready",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, name := range []string{"image", "config"} {
				if cmd.Flags().Changed(name) {
					f.kindFlag = "--" + name
				}
			}
			return g.withProvider(cmd.Context(), f, clusterUp)
		},
	}
	c.Flags().IntVar(&f.apiPort, "api-port", 0, "sim: API server port on 127.0.0.1 (default: a free port)")
	c.Flags().StringVar(&f.kind.NodeImage, "image", env.NodeImage,
		"kind: node image for a new cluster, as kind's --image (default: $"+kindcluster.EnvNodeImage+", else kind's own)")
	c.Flags().StringVar(&f.kind.ConfigFile, "config", env.ConfigFile,
		"kind: kind Cluster config file for a new cluster, as kind's --config (default: $"+kindcluster.EnvConfigFile+")")
	addRecreateFlag(c, &g.recreate)
	return c
}

// withProvider builds the provider with a progress display and runs act.
func (g *globals) withProvider(ctx context.Context, f upFlags, act clusterAction) error {
	prog := newStepPrinter(g.stdout)
	defer prog.stop()
	p, err := g.clusterProvider(prog.report, f)
	if err != nil {
		return err
	}
	return act(ctx, g, p)
}

// clusterProvider returns the provider for the cluster commands. --api-port
// only means something to sim and --image and --config only to kind, which
// providers.Options does not carry, so those providers are built here.
func (g *globals) clusterProvider(rep cluster.Reporter, f upFlags) (cluster.Provider, error) {
	if g.provider == sim.Name {
		if err := noKindFlags(f, sim.Name); err != nil {
			return nil, err
		}
		return sim.New(sim.Options{Reporter: rep, APIPort: f.apiPort}), nil
	}
	p, reason, err := g.providerFor(rep)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		fmt.Fprintln(g.stderr, reason)
	}
	switch p.(type) {
	case *sim.Provider:
		if err := noKindFlags(f, sim.Name); err != nil {
			return nil, err
		}
		if f.apiPort != 0 {
			p = sim.New(sim.Options{Reporter: rep, APIPort: f.apiPort})
		}
	case *kindcluster.Provider:
		if f.kind == (kindcluster.CreateOptions{}) {
			break
		}
		if err := f.kind.Validate(); err != nil {
			return nil, fmt.Errorf("--image/--config (or $%s/$%s): %w",
				kindcluster.EnvNodeImage, kindcluster.EnvConfigFile, err)
		}
		p, _, err = providers.Get(kindcluster.Name, g.providerOptions(rep, f.kind))
		if err != nil {
			return nil, err
		}
	default:
		if err := noKindFlags(f, p.Name()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// noKindFlags refuses --image and --config for a provider other than kind.
// Values from the environment are ignored there: they are kind's defaults.
func noKindFlags(f upFlags, provider string) error {
	if f.kindFlag != "" {
		return fmt.Errorf("%s is a kind option; the %s provider does not take it", f.kindFlag, provider)
	}
	return nil
}

func clusterInstall(ctx context.Context, g *globals, p cluster.Provider) error {
	if err := p.Install(ctx); err != nil {
		return fmt.Errorf("install %s: %w", p.Name(), err)
	}
	fmt.Fprintf(g.stdout, "%s provider: everything is installed\n", p.Name())
	return nil
}

func clusterUp(ctx context.Context, g *globals, p cluster.Provider) error {
	c, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("start %s cluster: %w", p.Name(), err)
	}
	fmt.Fprintf(g.stdout, "%s cluster %q is ready\n  kubeconfig: %s\n", c.Provider, c.Name, c.Kubeconfig)
	if c.DNSAddr != "" {
		fmt.Fprintf(g.stdout, "  cluster DNS: %s (domain %s)\n", c.DNSAddr, c.Domain)
	}
	fmt.Fprintf(g.stdout, "  try: kubectl --kubeconfig %s get nodes\n", c.Kubeconfig)
	return nil
}

func clusterDown(ctx context.Context, _ *globals, p cluster.Provider) error {
	if err := p.Down(ctx); err != nil && !errors.Is(err, cluster.ErrNotManaged) {
		return fmt.Errorf("stop %s cluster: %w", p.Name(), err)
	}
	return nil
}

func clusterStatus(ctx context.Context, g *globals, p cluster.Provider) error {
	s, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("%s status: %w", p.Name(), err)
	}
	fmt.Fprintf(g.stdout, "provider: %s\n", p.Name())
	for _, l := range s.Lines {
		fmt.Fprintln(g.stdout, l)
	}
	return nil
}

func clusterKubeconfig(ctx context.Context, g *globals, p cluster.Provider) error {
	if g.player {
		c, err := p.Connect(ctx)
		if err != nil {
			return fmt.Errorf("%s kubeconfig: %w", p.Name(), err)
		}
		return g.printPlayerKubeconfig(ctx, c)
	}
	if sp, ok := p.(*sim.Provider); ok {
		fmt.Fprintln(g.stdout, sp.KubeconfigPath())
		return nil
	}
	c, err := p.Connect(ctx)
	if err != nil {
		return fmt.Errorf("%s kubeconfig: %w", p.Name(), err)
	}
	fmt.Fprintln(g.stdout, c.Kubeconfig)
	return nil
}

// stepPrinter prints each event as a line and, on a terminal, a spinner with
// the elapsed time of the current step.
type stepPrinter struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	step    string
	started time.Time
	done    chan struct{}
	once    sync.Once
}

func newStepPrinter(w io.Writer) *stepPrinter {
	p := &stepPrinter{w: w, done: make(chan struct{})}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		go p.spin()
	}
	return p
}

func (p *stepPrinter) report(e cluster.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLine()
	switch e.State {
	case cluster.StepStarted:
		p.step, p.started = e.Step, time.Now()
		fmt.Fprintf(p.w, " • %s%s…\n", e.Step, paren(e.Detail))
	case cluster.StepDone:
		p.step = ""
		fmt.Fprintf(p.w, " ✓ %s %s\n", e.Step, e.Detail)
	case cluster.StepFailed:
		p.step = ""
		fmt.Fprintf(p.w, " ✗ %s: %s\n", e.Step, e.Detail)
	default:
		fmt.Fprintf(p.w, "   %s\n", e.Detail)
	}
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func (p *stepPrinter) clearLine() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

var spinnerFrames = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

func (p *stepPrinter) spin() {
	t := time.NewTicker(120 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		p.mu.Lock()
		if p.step != "" {
			d := time.Since(p.started).Round(time.Second)
			fmt.Fprintf(p.w, "\r\033[K %c %s %s", spinnerFrames[i%len(spinnerFrames)], p.step, d)
		}
		p.mu.Unlock()
	}
}

func (p *stepPrinter) stop() {
	p.once.Do(func() {
		close(p.done)
		p.mu.Lock()
		p.clearLine()
		p.mu.Unlock()
	})
}

func newClusterKubeconfigCmd(g *globals) *cobra.Command {
	c := clusterSub(g, "kubeconfig", "Print the path of the cluster's admin kubeconfig (--player: the player's)", clusterKubeconfig)
	addPlayerFlag(c, &g.player)
	return c
}
