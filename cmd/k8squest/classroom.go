package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"

	charmlog "charm.land/log/v2"
	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"github.com/k8squest/k8squest/engine/kindcluster"
	"github.com/k8squest/k8squest/engine/xdg"
	"github.com/k8squest/k8squest/levels/game"
	room "github.com/k8squest/k8squest/ui/classroom"
	"github.com/k8squest/k8squest/ui/workshop"
)

// serveFlags are the flags of `classroom serve`.
type serveFlags struct {
	listen, levels, workshop, joinCode, instructorKeys, stateDir, advertise, shellImage string
	learners                                                                            int
}

// newClassroomCmd is `k8squest classroom`.
func newClassroomCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "classroom", Short: "Host a workshop: learners play over SSH, the instructor watches the class"}
	c.AddCommand(newServeCmd(g))
	return c
}

// defaultLearners is --learners' default: the class issue 12 sizes for.
const defaultLearners = 50

// newServeCmd is `k8squest classroom serve`.
func newServeCmd(g *globals) *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the workshop over SSH until interrupted",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return serve(cmd, g, f) },
	}
	fl := c.Flags()
	fl.StringVar(&f.listen, "listen", room.DefaultListen, "address to listen on (a real classroom passes 0.0.0.0:2222)")
	fl.StringVar(&f.levels, "levels", "21-30", "the levels offered: numbers and ranges, comma-separated")
	fl.StringVar(&f.workshop, "workshop", "workshop", "the workshop's name, a DNS label; learners play in namespace WORKSHOP-NAME")
	fl.StringVar(&f.joinCode, "join-code", "", "the code learners type to join (default: generated and printed)")
	fl.StringVar(&f.instructorKeys, "instructor-keys", "", "the instructor's public keys, authorized_keys format (default: the local user's)")
	fl.StringVar(&f.advertise, "advertise", "", "kind: publish the new cluster's API server as HOST (a name or address of this machine the learners reach) and point their kubeconfigs at it; applies when the cluster is created")
	fl.IntVar(&f.learners, "learners", defaultLearners, "how many learners the workshop is for: a kind cluster serve creates gets room for them on the largest offered level, and serve says when the cluster holds fewer")
	fl.StringVar(&f.shellImage, "shell-image", "", "the image of learners' shell pods (`s`), with sh and kubectl in it (default: registry.k8s.io/kubectl of the cluster's version, published for 1.28 and later)")
	fl.StringVar(&f.stateDir, "state-dir", filepath.Join(xdg.StateDir(), "classroom"), "where the server keeps its host key, roster and learners' progress")
	return c
}

// serve runs the workshop until the command's context ends.
func serve(cmd *cobra.Command, g *globals, f serveFlags) error {
	ctx := cmd.Context()
	// wish logs through charm's default logger: into the debug log, never
	// onto the instructor's terminal.
	charmlog.SetOutput(log.Writer())
	cfg, err := serveConfig(g, f)
	if err != nil {
		return err
	}
	cat, err := game.New(game.Options{Provider: g.provider})
	if err != nil {
		return err
	}
	offered, err := parseLevels(f.levels, func(id int) bool { _, err := cat.Level(fmt.Sprint(id)); return err == nil })
	if err != nil {
		return err
	}
	prog := newStepPrinter(g.stderr)
	w, err := workshop.Open(ctx, workshop.Options{Provider: g.provider, Workshop: f.workshop, StateDir: f.stateDir, Offered: offered,
		Learners: f.learners, Advertise: kindcluster.Advertise{Host: f.advertise}, ShellImage: f.shellImage}, prog.report)
	prog.stop()
	if err != nil {
		return err
	}
	defer w.Close()
	plan, err := w.Capacity(ctx)
	if err != nil {
		return fmt.Errorf("size the workshop: %w", err)
	}
	cfg.Learners, cfg.Instructor, cfg.Presence, cfg.MaxLearners = w, w, w, plan.Learners
	srv, err := room.New(cfg)
	if err != nil {
		return err
	}
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	w.SetSSHAddress(ln.Addr().String())
	printServing(g, cfg, srv.HostKey(), ln.Addr(), plan.String())
	return srv.Serve(ctx, ln)
}

// serveConfig is the server's configuration from the flags; the game is
// filled in later.
func serveConfig(g *globals, f serveFlags) (room.Config, error) {
	cfg := room.DefaultConfig()
	cfg.Listen, cfg.Workshop, cfg.StateDir = f.listen, f.workshop, f.stateDir
	cfg.Log = charmlog.New(log.Writer())
	if _, _, err := net.SplitHostPort(f.listen); err != nil {
		return cfg, fmt.Errorf("--listen %q: %w", f.listen, err)
	}
	if err := room.ValidWorkshop(f.workshop); err != nil {
		return cfg, fmt.Errorf("--workshop: %w", err)
	}
	if f.learners < 1 {
		return cfg, fmt.Errorf("--learners %d: want at least 1 learner", f.learners)
	}
	if err := validImage(f.shellImage); err != nil {
		return cfg, fmt.Errorf("--shell-image %q: %w", f.shellImage, err)
	}
	cfg.JoinCode = f.joinCode
	if cfg.JoinCode == "" {
		code, err := room.NewJoinCode()
		if err != nil {
			return cfg, err
		}
		cfg.JoinCode = code
	}
	keys, err := instructorKeys(f.instructorKeys)
	if err != nil {
		return cfg, err
	}
	cfg.InstructorKeys = keys
	return cfg, nil
}

// instructorKeys reads --instructor-keys, or the local user's keys.
func instructorKeys(path string) (*room.KeySet, error) {
	if path != "" {
		k, err := room.ReadKeys(path)
		if err != nil {
			return nil, fmt.Errorf("--instructor-keys: %w", err)
		}
		return k, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("instructor keys (give --instructor-keys FILE): %w", err)
	}
	k, err := room.DefaultInstructorKeys(home)
	if err != nil {
		return nil, fmt.Errorf("instructor keys (give --instructor-keys FILE): %w", err)
	}
	return k, nil
}

// printServing tells the instructor how the class joins.
func printServing(g *globals, cfg room.Config, hk gossh.PublicKey, addr net.Addr, capacity string) {
	host, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(g.stdout, "k8squest classroom %q listening on %s\n", cfg.Workshop, addr)
	fmt.Fprintf(g.stdout, "host key: %s\n", gossh.FingerprintSHA256(hk))
	fmt.Fprintf(g.stdout, "join code: %s\n", cfg.JoinCode)
	fmt.Fprintf(g.stdout, "capacity: %s\n", capacity)
	fmt.Fprintf(g.stdout, "learners:   ssh -p %s NAME@%s\n", port, host)
	fmt.Fprintf(g.stdout, "instructor: ssh -p %s %s@%s\n", port, room.InstructorUser, host)
}
