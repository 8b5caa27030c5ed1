package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/cluster"
	"github.com/k8squest/k8squest/engine/currentcluster"
	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/engine/providers"
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

// doctorDefaultNamespace is used when -n is not given.
const doctorDefaultNamespace = "default"

// runDoctor connects, runs the checks once and, if asked, the drill.
func (g *globals) runDoctor(ctx context.Context, name string, o *doctorOptions) error {
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("--format %q: use text or json", o.format)
	}
	ns := g.namespace
	if ns == "" {
		ns = doctorDefaultNamespace
	}
	c, err := g.doctorCluster(ctx)
	if err != nil {
		return err
	}
	sts, err := getStatefulSet(ctx, c, ns, name)
	if err != nil {
		return err
	}
	r, dnsErr := g.openDNS(ctx, c, nil)
	if r != nil {
		defer r.Close()
	}
	rep := &doctorReport{StatefulSet: name, Namespace: ns, Service: sts.Spec.ServiceName, Cluster: clusterName(c), Checks: []doctorCheck{}}
	if dnsErr != nil {
		rep.Notes = append(rep.Notes, "DNS checks cannot observe: "+dnsErr.Error())
	}
	sess, err := doctorSession(c, sts, r, o)
	if err != nil {
		return err
	}
	if err := rep.runChecks(ctx, sess, sts); err != nil {
		return err
	}
	if o.drill {
		g.doctorDrill(ctx, sess, sts, o, rep)
	}
	return g.finishDoctor(rep, o)
}

// doctorCluster connects to the chosen provider's cluster; it never starts one.
func (g *globals) doctorCluster(ctx context.Context) (*cluster.Cluster, error) {
	name := g.provider
	if name == "" {
		name = currentcluster.Name
	}
	p, _, err := providers.Get(name, providers.Options{Kubeconfig: g.kubeconfig, Context: g.context})
	if err != nil {
		return nil, err
	}
	c, err := p.Connect(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to the %s cluster: %w", p.Name(), err)
	}
	if c.Domain == "" {
		c.Domain = cluster.DefaultDomain
	}
	return c, nil
}

func getStatefulSet(ctx context.Context, c *cluster.Cluster, ns, name string) (*appsv1.StatefulSet, error) {
	cs, err := kubernetes.NewForConfig(c.REST)
	if err != nil {
		return nil, fmt.Errorf("connect to the cluster: %w", err)
	}
	sts, err := cs.AppsV1().StatefulSets(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("StatefulSet %s does not exist in namespace %s (use -n to pick the namespace)", name, ns)
	}
	if err != nil {
		return nil, fmt.Errorf("read StatefulSet %s in namespace %s: %w", name, ns, err)
	}
	return sts, nil
}

func doctorSession(c *cluster.Cluster, sts *appsv1.StatefulSet, r dns.Resolver, o *doctorOptions) (*play.Session, error) {
	items, err := doctorChecks(sts.Name, sts.Spec.ServiceName)
	if err != nil {
		return nil, err
	}
	spec := play.Spec{Namespace: sts.Namespace, Namespaces: map[string]string{"": sts.Namespace}, Checks: items}
	if o.drill && sts.Spec.ServiceName != "" {
		d, err := doctorDrillItem(sts, o)
		if err != nil {
			return nil, err
		}
		spec.Drill = d
	}
	return play.New(c, spec, r)
}

// doctorChecks are the checks of level 30, built through the check registry.
func doctorChecks(name, svc string) ([]play.Item, error) {
	defs := []struct{ id, title, typ, params string }{
		{"headless", fmt.Sprintf("Service %s is headless (clusterIP: None)", svc), "serviceHeadless", fmt.Sprintf(`{"service":%q}`, svc)},
		{"wiring", fmt.Sprintf("StatefulSet %s names Service %s, and its selector selects the pods", name, svc), "statefulSetService", fmt.Sprintf(`{"statefulSet":%q,"service":%q}`, name, svc)},
		{"ready", fmt.Sprintf("All replicas of StatefulSet %s are Ready", name), "workloadReady", fmt.Sprintf(`{"kind":"StatefulSet","name":%q}`, name)},
		{"pod-dns", fmt.Sprintf("Each %s-N.%s name resolves to pod %s-N's current IP", name, svc, name), "statefulSetPodDNS", fmt.Sprintf(`{"statefulSet":%q,"service":%q}`, name, svc)},
		{"service-dns", fmt.Sprintf("%s resolves to exactly the ready pod IPs, and SRV lists every pod", svc), "headlessServiceDNS", fmt.Sprintf(`{"service":%q}`, svc)},
	}
	if svc == "" {
		defs = defs[2:3]
	}
	items := make([]play.Item, 0, len(defs))
	for _, d := range defs {
		c, err := check.Build(d.typ, []byte(d.params))
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", d.id, err)
		}
		items = append(items, play.Item{ID: d.id, Title: d.title, Check: c})
	}
	return items, nil
}

// victimOrdinal is the pod the drill deletes: --ordinal, else the last one.
func victimOrdinal(sts *appsv1.StatefulSet, o *doctorOptions) int {
	if o.ordinal >= 0 {
		return o.ordinal
	}
	n := 1
	if sts.Spec.Replicas != nil {
		n = int(*sts.Spec.Replicas)
	}
	return max(n-1, 0)
}

func doctorDrillItem(sts *appsv1.StatefulSet, o *doctorOptions) (*play.DrillItem, error) {
	params, err := json.Marshal(map[string]any{"statefulSet": sts.Name, "service": sts.Spec.ServiceName, "ordinal": victimOrdinal(sts, o)})
	if err != nil {
		return nil, err
	}
	d, err := drill.Build("statefulSetReschedule", params)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	return &play.DrillItem{Title: "Reschedule drill", Drill: d}, nil
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
