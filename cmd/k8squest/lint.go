package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/engine/lint"
)

// lintUsageExit is the exit code when the input cannot be read at all, as
// opposed to 1 when it was read and has errors.
const lintUsageExit = 2

func newLintCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "lint PATH...",
		Short: "Check manifests offline for the mistakes the game teaches (StatefulSet Services, selectors, ports, pod IPs)",
		Long: "Check Kubernetes manifests before they reach a cluster. PATH is a file, a directory (read\n" +
			"recursively for .yaml, .yml and .json files) or - for stdin; files may hold several documents.\n" +
			"Objects without a namespace are in the -n namespace (default \"default\").\n\n" +
			"Rules:\n" + lintRulesHelp() +
			"\nExit status: 0 when no error is found (warnings allowed), 1 when one is, 2 when the input cannot be read.",
		Example: "  k8squest lint deploy/\n  k8squest lint statefulset.yaml service.yaml --format json\n  helm template . | k8squest lint -",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runLint(cmd, args, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// runLint loads the paths, lints them and prints the report.
func (g *globals) runLint(cmd *cobra.Command, paths []string, format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("--format %q: use text or json", format)
	}
	srcs, err := lint.Load(paths, g.stdin)
	if err != nil {
		fmt.Fprintf(g.stderr, "k8squest lint: %v\n", err)
		return exitError{code: lintUsageExit}
	}
	rep := lint.Lint(cmd.Context(), srcs, lint.Options{Namespace: g.namespace})
	write := lint.WriteText
	if format == "json" {
		write = lint.WriteJSON
	}
	if err := write(g.stdout, rep); err != nil {
		return err
	}
	if rep.Failed() {
		return exitError{code: 1}
	}
	return nil
}

// lintRulesHelp lists the rules for the command's help.
func lintRulesHelp() string {
	var b strings.Builder
	for _, r := range lint.Rules {
		fmt.Fprintf(&b, "  %s %-38s %-7s %s\n", r.ID, r.Name, r.Severity, r.Summary)
	}
	return b.String()
}
