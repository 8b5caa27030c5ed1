package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/k8squest/k8squest/engine/cluster"
	prog "github.com/k8squest/k8squest/engine/progress"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/levels/game"
	"github.com/k8squest/k8squest/ui"
)

func gameCommands(g *globals) []*cobra.Command {
	return []*cobra.Command{
		newPlayCmd(g), newStartCmd(g), newCheckCmd(g), newResetCmd(g),
		newTeardownCmd(g), newProgressCmd(g), newLevelsCmd(g),
	}
}

// levelCmd builds a command that takes one level number and a connected game.
func levelCmd(g *globals, use, short string, up bool, act func(ctx context.Context, x *game.Game, l *levels.Level) error) *cobra.Command {
	return &cobra.Command{
		Use:   use + " LEVEL",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			x, err := newGame(g)
			if err != nil {
				return err
			}
			defer x.Close()
			l, err := x.Level(args[0])
			if err != nil {
				return err
			}
			prog := newStepPrinter(g.stderr)
			_, err = x.Reach(cmd.Context(), prog.report, up)
			prog.stop()
			if err != nil {
				return err
			}
			if l, err = x.Bind(cmd.Context(), l); err != nil {
				return err
			}
			return act(cmd.Context(), x, l)
		},
	}
}

// sessionStep runs one long session operation of level l with a step
// printer on stderr, and names what was being done when it fails. An
// operation whose context ended (Ctrl+C) fails with the context's error
// even when it returned nil: the settle step, for one, gives up quietly
// when its context ends, and that is no finished set-up.
func sessionStep(ctx context.Context, g *globals, x *game.Game, l *levels.Level, what string, op func(*game.Session, cluster.Reporter) error) error {
	s, err := x.Open(ctx, l)
	if err != nil {
		return err
	}
	prog := newStepPrinter(g.stderr)
	err = op(s, prog.report)
	prog.stop()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("%s level %d: %w", what, l.ID, err)
	}
	return nil
}

func newStartCmd(g *globals) *cobra.Command {
	return levelCmd(g, "start", "Set a level's broken state up, print its briefing and exit", true,
		func(ctx context.Context, x *game.Game, l *levels.Level) error {
			setup := func(s *game.Session, rep cluster.Reporter) error { return s.Setup(ctx, rep) }
			if err := sessionStep(ctx, g, x, l, "start", setup); err != nil {
				return err
			}
			// The attempt counts once the broken state is fully set up, and
			// only then: an interrupted start records nothing.
			if err := x.Started(l); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Level %d is set up in namespace %s.\n\n", l.ID, l.Namespace)
			printMarkdown(g, l.Briefing)
			fmt.Fprintf(g.stdout, "\nFix it with kubectl, then run: k8squest check %d%s\n", l.ID, nsFlag(g))
			return nil
		})
}

func newResetCmd(g *globals) *cobra.Command {
	return levelCmd(g, "reset", "Delete everything a level created and set its broken state up again", true,
		func(ctx context.Context, x *game.Game, l *levels.Level) error {
			reset := func(s *game.Session, rep cluster.Reporter) error { return s.Reset(ctx, rep) }
			if err := sessionStep(ctx, g, x, l, "reset", reset); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Level %d is back to its broken state in namespace %s.\n", l.ID, l.Namespace)
			return nil
		})
}

func newTeardownCmd(g *globals) *cobra.Command {
	return levelCmd(g, "teardown", "Delete everything a level created, namespaces included", false,
		func(ctx context.Context, x *game.Game, l *levels.Level) error {
			teardown := func(s *game.Session, rep cluster.Reporter) error { return s.Teardown(ctx, rep) }
			if err := sessionStep(ctx, g, x, l, "tear down", teardown); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Level %d removed from namespace %s.\n", l.ID, l.Namespace)
			return nil
		})
}

func newPlayCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "play [LEVEL]",
		Short: "Open the game (on a level's briefing when one is given)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			x, err := newGame(g)
			if err != nil {
				return err
			}
			defer x.Close()
			opts := ui.Options{Input: g.stdin, Output: g.stdout, NoColor: noColor()}
			var l *levels.Level
			if len(args) == 1 {
				if l, err = x.Level(args[0]); err != nil {
					return err
				}
				opts.StartLevel = l.ID
			}
			if !isTerminal(g.stdout) || !isTerminal(g.stdin) {
				return playPlain(g, x, l)
			}
			if err := signIn(cmd.Context(), g, x); err != nil {
				return err
			}
			return ui.Run(cmd.Context(), backend{x}, opts)
		},
	}
	addRecreateFlag(c, &g.recreate)
	return c
}

func newLevelsCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "levels",
		Short: "List the levels and your progress on each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			x, st, err := g.gameWithProgress()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LEVEL\tTITLE\tDIFFICULTY\tXP\tSTATUS")
			for _, l := range x.Levels() {
				status := "not started"
				if r := st.Levels[l.ID]; r != nil && r.Completed {
					status = fmt.Sprintf("done, %d XP", r.BestXP)
				} else if r != nil {
					status = fmt.Sprintf("started (%d attempts)", r.Attempts)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\n", l.ID, l.Title, l.Difficulty, l.XP, status)
			}
			return tw.Flush()
		},
	}
}

// playPlain is `play` when stdout is not a terminal: the briefing (or the
// level list) as plain text, and the commands that play without a TUI.
func playPlain(g *globals, x *game.Game, l *levels.Level) error {
	fmt.Fprintln(g.stdout, "k8squest: not a terminal, so no interactive game; printing plain text instead.")
	if l == nil {
		fmt.Fprintln(g.stdout, "Levels:")
		for _, l := range x.Levels() {
			fmt.Fprintf(g.stdout, "  %d  %s\n", l.ID, l.Title)
		}
		fmt.Fprintln(g.stdout, "Play one from a script with: k8squest start N, then k8squest check N [--watch]")
		return nil
	}
	fmt.Fprintln(g.stdout)
	fmt.Fprint(g.stdout, l.Briefing)
	fmt.Fprintf(g.stdout, "\nSet it up with: k8squest start %d%s, then fix it and run: k8squest check %d%s\n", l.ID, nsFlag(g), l.ID, nsFlag(g))
	return nil
}

func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// gameWithProgress loads the levels and the saved progress, for the commands
// that only report.
func (g *globals) gameWithProgress() (*game.Game, prog.State, error) {
	x, err := newGame(g)
	if err != nil {
		return nil, prog.State{}, err
	}
	st, err := x.Progress()
	return x, st, err
}

func nsFlag(g *globals) string {
	if g.namespace == "" {
		return ""
	}
	return " -n " + g.namespace
}

// printMarkdown renders markdown for a terminal, or prints it as it is when
// stdout is not a terminal or NO_COLOR is set.
func printMarkdown(g *globals, md string) {
	if isTerminal(g.stdout) && !noColor() {
		if out, err := ui.RenderMarkdown(md, 100, true); err == nil {
			fmt.Fprint(g.stdout, out)
			return
		}
	}
	fmt.Fprint(g.stdout, md)
}
