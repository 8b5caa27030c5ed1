package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/k8squest/k8squest/levels/game"
)

// doctorOptions are the flags of `k8squest doctor statefulset`.
type doctorOptions struct {
	drill   bool
	yes     bool
	format  string
	ordinal int
}

func newDoctorCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Run the game's checks against a live workload on any cluster (read-only unless --drill)",
	}
	cmd.AddCommand(newDoctorStatefulSetCmd(g))
	return cmd
}

func newDoctorStatefulSetCmd(g *globals) *cobra.Command {
	o := &doctorOptions{}
	cmd := &cobra.Command{
		Use:     "statefulset NAME",
		Aliases: []string{"sts"},
		Short:   "Check a StatefulSet, its Service and their DNS as level 30 does; --drill reschedules a pod",
		Long: "Check a live StatefulSet with the checks of level 30: its Service is headless, names and selects\n" +
			"its pods, every replica is Ready, each <pod>.<service> name resolves to its pod, and the Service\n" +
			"name resolves to exactly the ready pods. DNS is asked the way pods ask it: directly, through a\n" +
			"port-forward to the cluster's DNS pod, or at --dns-server.\n\n" +
			"The cluster is the current kubeconfig context unless --provider says otherwise. Without --drill\n" +
			"nothing is written. With --drill, once every check passes, one pod is deleted (after a prompt\n" +
			"unless --yes), and the drill waits for its replacement and for its DNS name to follow.\n\n" +
			"Exit status: 0 when everything passes, 1 otherwise.",
		Example: "  k8squest doctor statefulset mongodb -n data\n  k8squest doctor sts web -n shop --drill\n  k8squest doctor sts web -n shop --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runDoctor(cmd.Context(), args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.drill, "drill", false, "after the checks pass, delete one pod and confirm that its replacement and DNS come back")
	f.BoolVar(&o.yes, "yes", false, "do not ask before the drill deletes a pod")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.IntVar(&o.ordinal, "ordinal", -1, "the pod the drill deletes, by ordinal (default: the last one)")
	return cmd
}

// runDoctor connects, runs the checks once and, if asked, the drill.
func (g *globals) runDoctor(ctx context.Context, name string, o *doctorOptions) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("--format %q: use text or json", o.format)
	}
	d, err := game.OpenDoctor(ctx, g.options(), name, game.DoctorOptions{Drill: o.drill, Ordinal: o.ordinal})
	if err != nil {
		return err
	}
	defer d.Close()
	sts := d.StatefulSet
	rep := &doctorReport{StatefulSet: name, Namespace: sts.Namespace, Service: sts.Spec.ServiceName, Cluster: game.ClusterName(d.Cluster), Checks: []doctorCheck{}}
	if d.DNSErr != nil {
		rep.Notes = append(rep.Notes, "DNS checks cannot observe: "+d.DNSErr.Error())
	}
	if err := rep.runChecks(ctx, d.Session, sts); err != nil {
		return err
	}
	if o.drill {
		g.doctorDrill(ctx, d, o, rep)
	}
	return g.finishDoctor(rep, o)
}

// confirmDrill asks on stdin before a pod is deleted.
func (g *globals) confirmDrill(pod, ns string) bool {
	fmt.Fprintf(g.stderr, "The drill deletes pod %s in namespace %s; its StatefulSet recreates it.\nDelete pod %s in %s? [y/N] ", pod, ns, pod, ns)
	line, _ := bufio.NewReader(g.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
