package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/levels"
	"github.com/k8squest/k8squest/levels/game"
)

// checkJSON is the stable JSON shape of `k8squest check --json`.
type checkJSON struct {
	Level  int             `json:"level"`
	Passed bool            `json:"passed"`
	Error  string          `json:"error,omitempty"`
	Checks []checkItemJSON `json:"checks"`
}

type checkItemJSON struct {
	ID      string `json:"id"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
	// Diagnosis is there only with --explain: it gives the fix away.
	Diagnosis string `json:"diagnosis,omitempty"`
}

// verdictFormat says how a verdict is printed.
type verdictFormat struct {
	json bool
	// explain adds each check's diagnosis to its symptom.
	explain bool
}

func newCheckCmd(g *globals) *cobra.Command {
	var f verdictFormat
	var watch bool
	c := levelCmd(g, "check", "Run a level's checks once (or on every change with --watch); exit 0 only when all pass", false,
		func(ctx context.Context, x *game.Game, l *levels.Level) error {
			s, err := x.Open(ctx, l)
			if err != nil {
				return err
			}
			if watch {
				return watchChecks(ctx, g, l, s.Watch(ctx), f)
			}
			v, err := s.CheckOnce(ctx)
			if err != nil {
				return fmt.Errorf("check level %d: %w", l.ID, err)
			}
			printVerdict(g, l, v, f)
			if !v.Passed {
				return exitError{code: 1}
			}
			return nil
		})
	c.Flags().BoolVar(&f.json, "json", false, "print the verdict as JSON")
	c.Flags().BoolVar(&f.explain, "explain", false, "also print each check's diagnosis: why it fails, which gives the fix away")
	c.Flags().BoolVar(&watch, "watch", false, "keep running and print each change of verdict")
	return c
}

// watchChecks prints each verdict that changes until ctx ends (Ctrl+C).
func watchChecks(ctx context.Context, g *globals, l *levels.Level, verdicts <-chan play.Verdict, f verdictFormat) error {
	var last *play.Verdict
	for v := range verdicts {
		if f.json {
			printVerdict(g, l, v, f)
		} else {
			printChanges(g, last, v, f.explain)
		}
		last = &v
	}
	if last != nil && last.Passed {
		return nil
	}
	return exitError{code: 1}
}

func printVerdict(g *globals, l *levels.Level, v play.Verdict, f verdictFormat) {
	if f.json {
		out := checkJSON{Level: l.ID, Passed: v.Passed, Checks: []checkItemJSON{}}
		if v.Err != nil {
			out.Error = v.Err.Error()
		}
		for _, r := range v.Results {
			item := checkItemJSON{ID: r.ID, Passed: r.Passed(), Message: r.Message}
			if f.explain {
				item.Diagnosis = r.Diagnosis
			}
			out.Checks = append(out.Checks, item)
		}
		enc := json.NewEncoder(g.stdout)
		_ = enc.Encode(out)
		return
	}
	if v.Err != nil {
		fmt.Fprintf(g.stdout, "! %v\n", v.Err)
	}
	for _, r := range v.Results {
		fmt.Fprintf(g.stdout, "%s %s: %s\n    %s\n", mark(r.Status), r.ID, r.Title, r.Message)
		printWhy(g, r, f.explain, "    ")
	}
	if v.Passed {
		fmt.Fprintf(g.stdout, "\nLevel %d: all checks pass.\n", l.ID)
	} else {
		fmt.Fprintf(g.stdout, "\nLevel %d: not solved yet.\n", l.ID)
	}
}

// printChanges prints only the checks whose verdict or message changed.
func printChanges(g *globals, last *play.Verdict, v play.Verdict, explain bool) {
	if v.Err != nil && (last == nil || last.Err == nil || last.Err.Error() != v.Err.Error()) {
		fmt.Fprintf(g.stdout, "%s ! %v\n", v.At.Format("15:04:05"), v.Err)
	}
	for i, r := range v.Results {
		if last != nil && i < len(last.Results) && last.Results[i].Status == r.Status && last.Results[i].Message == r.Message &&
			(!explain || last.Results[i].Diagnosis == r.Diagnosis) {
			continue
		}
		fmt.Fprintf(g.stdout, "%s %s %s: %s\n", v.At.Format("15:04:05"), mark(r.Status), r.ID, r.Message)
		printWhy(g, r, explain, "           ")
	}
	if v.Passed && (last == nil || !last.Passed) {
		fmt.Fprintf(g.stdout, "%s all checks pass\n", v.At.Format("15:04:05"))
	}
}

// printWhy prints a check's diagnosis under its symptom, when asked for
// and when it says more than the symptom.
func printWhy(g *globals, r check.Result, explain bool, indent string) {
	if explain && r.Diagnosis != "" && r.Diagnosis != r.Message {
		fmt.Fprintf(g.stdout, "%swhy: %s\n", indent, r.Diagnosis)
	}
}

func mark(s check.Status) string {
	switch s {
	case check.Pass:
		return "✓"
	case check.Fail:
		return "✗"
	case check.Unknown:
		return "?"
	default:
		return "·"
	}
}

func noColor() bool { _, ok := os.LookupEnv("NO_COLOR"); return ok }
