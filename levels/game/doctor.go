package game

import (
	"context"
	"encoding/json"
	"fmt"

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

// DoctorNamespace is where doctor looks when no namespace is given.
const DoctorNamespace = "default"

// DoctorOptions say what `k8squest doctor statefulset` does besides its
// read-only checks.
type DoctorOptions struct {
	// Drill adds the reschedule drill, which deletes one pod.
	Drill bool
	// Ordinal is the pod the drill deletes; negative means the last one.
	Ordinal int
}

// Doctor is level 30's checks (and, if asked, its drill) set up against a
// live StatefulSet on any cluster.
type Doctor struct {
	// Cluster is the cluster doctor connected to.
	Cluster *cluster.Cluster
	// StatefulSet is the workload as it was read.
	StatefulSet *appsv1.StatefulSet
	// Session runs the checks and the drill.
	Session *play.Session
	// Victim is the pod the drill deletes.
	Victim string
	// DNSErr, when set, says why the DNS checks cannot observe yet.
	DNSErr error

	resolver dns.Resolver
}

// OpenDoctor connects to o's cluster (the current provider unless o names
// another; it never starts one), reads StatefulSet name in o.Namespace
// (DoctorNamespace when empty) and builds level 30's checks for it.
func OpenDoctor(ctx context.Context, o Options, name string, d DoctorOptions) (*Doctor, error) {
	ns := o.Namespace
	if ns == "" {
		ns = DoctorNamespace
	}
	c, err := doctorCluster(ctx, o)
	if err != nil {
		return nil, err
	}
	sts, err := getStatefulSet(ctx, c, ns, name)
	if err != nil {
		return nil, err
	}
	r, dnsErr := OpenDNS(ctx, c, o.DNSServer, nil)
	doc := &Doctor{Cluster: c, StatefulSet: sts, DNSErr: dnsErr, resolver: r,
		Victim: fmt.Sprintf("%s-%d", sts.Name, victimOrdinal(sts, d.Ordinal))}
	if doc.Session, err = doctorSession(c, sts, r, d); err != nil {
		doc.Close()
		return nil, err
	}
	return doc, nil
}

// Close releases doctor's DNS resolver.
func (d *Doctor) Close() {
	if d.resolver != nil {
		_ = d.resolver.Close()
	}
}

// doctorCluster connects to the chosen provider's cluster; it never starts one.
func doctorCluster(ctx context.Context, o Options) (*cluster.Cluster, error) {
	name := o.Provider
	if name == "" {
		name = currentcluster.Name
	}
	p, _, err := providers.Get(name, providers.Options{Kubeconfig: o.Kubeconfig, Context: o.Context})
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

func doctorSession(c *cluster.Cluster, sts *appsv1.StatefulSet, r dns.Resolver, d DoctorOptions) (*play.Session, error) {
	items, err := doctorChecks(sts.Name, sts.Spec.ServiceName)
	if err != nil {
		return nil, err
	}
	spec := play.Spec{Namespace: sts.Namespace, Namespaces: map[string]string{"": sts.Namespace}, Checks: items}
	if d.Drill && sts.Spec.ServiceName != "" {
		di, err := doctorDrillItem(sts, d)
		if err != nil {
			return nil, err
		}
		spec.Drill = di
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

// victimOrdinal is the pod the drill deletes: ordinal, else the last one.
func victimOrdinal(sts *appsv1.StatefulSet, ordinal int) int {
	if ordinal >= 0 {
		return ordinal
	}
	n := 1
	if sts.Spec.Replicas != nil {
		n = int(*sts.Spec.Replicas)
	}
	return max(n-1, 0)
}

func doctorDrillItem(sts *appsv1.StatefulSet, d DoctorOptions) (*play.DrillItem, error) {
	params, err := json.Marshal(map[string]any{"statefulSet": sts.Name, "service": sts.Spec.ServiceName, "ordinal": victimOrdinal(sts, d.Ordinal)})
	if err != nil {
		return nil, err
	}
	dr, err := drill.Build("statefulSetReschedule", params)
	if err != nil {
		return nil, fmt.Errorf("drill: %w", err)
	}
	return &play.DrillItem{Title: "Reschedule drill", Drill: dr}, nil
}
