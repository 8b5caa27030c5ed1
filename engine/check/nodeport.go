package check

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("serviceNodePort", newNodePort) }

// nodePort passes when a Service is of type NodePort and exposes one of its
// ports on an agreed node port. A nodePort is unique cluster-wide, so when
// another Service already holds it the message names that Service.
type nodePort struct {
	Service string `json:"service"`
	// Port is the Service port clients use inside the cluster.
	Port int32 `json:"port"`
	// NodePort is the port clients outside expect on every node.
	NodePort int32 `json:"nodePort"`
	// Namespace is a namespace role from the level spec; empty is the main one.
	Namespace string `json:"namespace"`
}

var _ Check = (*nodePort)(nil)

func newNodePort(params []byte) (Check, error) {
	c := &nodePort{}
	return c, decode(params, c)
}

func (c *nodePort) validate() error {
	if err := required("service", c.Service); err != nil {
		return err
	}
	if c.Port < 1 || c.Port > 65535 {
		return fmt.Errorf("port must be between 1 and 65535, got %d", c.Port)
	}
	if c.NodePort < 1 || c.NodePort > 65535 {
		return fmt.Errorf("nodePort must be between 1 and 65535, got %d", c.NodePort)
	}
	return nil
}

// Run implements Check.
func (c *nodePort) Run(ctx context.Context, env *Env) Result {
	ns := env.Resolve(c.Namespace)
	svc := env.Snap.Service(ns, c.Service)
	if svc == nil {
		return absent("Service", c.Service, ns)
	}
	closed := fmt.Sprintf("a client outside the cluster finds nothing of Service %s on port %d of the nodes", c.Service, c.NodePort)
	if svc.Spec.Type != corev1.ServiceTypeNodePort {
		return fail(closed, fmt.Sprintf("Service %s is of type %s; only a NodePort Service opens a port on every node (and keeps it when %d is set)", c.Service, typeOf(svc), c.NodePort))
	}
	var sp *corev1.ServicePort
	for i := range svc.Spec.Ports {
		if svc.Spec.Ports[i].Port == c.Port {
			sp = &svc.Spec.Ports[i]
		}
	}
	if sp == nil {
		return fail(fmt.Sprintf("clients inside the cluster find nothing on port %d of Service %s", c.Port, c.Service),
			fmt.Sprintf("Service %s exposes %s; clients inside the cluster use port %d", c.Service, portList(svc), c.Port))
	}
	if sp.NodePort == c.NodePort {
		return pass(fmt.Sprintf("Service %s answers on port %d of every node, and on port %d inside the cluster", c.Service, c.NodePort, c.Port),
			fmt.Sprintf("Service %s (NodePort) exposes port %d on nodePort %d of every node", c.Service, c.Port, c.NodePort))
	}
	moved := fmt.Sprintf("Service %s answers on port %d of every node, not on %d, where its clients outside the cluster connect", c.Service, sp.NodePort, c.NodePort)
	now := fmt.Sprintf("Service %s exposes port %d on nodePort %d", c.Service, c.Port, sp.NodePort)
	holder, err := c.holder(ctx, env, svc)
	switch {
	case holder != nil && holder.Namespace != ns:
		return fail(moved, fmt.Sprintf("nodePort %d is already held by Service %s in namespace %s on this cluster; a nodePort is unique cluster-wide, so the API server refuses it to %s (\"provided port is already allocated\") until that Service lets it go. %s now", c.NodePort, holder.Name, holder.Namespace, c.Service, now))
	case holder != nil:
		return fail(moved, fmt.Sprintf("nodePort %d is held by Service %s in this namespace, so %s cannot take it; %s now", c.NodePort, holder.Name, c.Service, now))
	case err != nil:
		return fail(moved, fmt.Sprintf("%s; clients expect %d (other namespaces could not be searched for a Service holding it: %v)", now, c.NodePort, err))
	}
	return fail(moved, fmt.Sprintf("%s; clients expect %d. Set nodePort: %d on that port; when none is given, the API server picks a free one itself", now, c.NodePort, c.NodePort))
}

// holder returns the Service other than svc that holds the wanted nodePort,
// looking in the snapshot first, then cluster-wide when a lister is set.
func (c *nodePort) holder(ctx context.Context, env *Env, svc *corev1.Service) (*corev1.Service, error) {
	if h := holdingNodePort(env.Snap.Services, svc, c.NodePort); h != nil {
		return h, nil
	}
	l := env.ClusterServices
	if l == nil {
		return nil, nil
	}
	list, err := l.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	all := make([]*corev1.Service, len(list.Items))
	for i := range list.Items {
		all[i] = &list.Items[i]
	}
	return holdingNodePort(all, svc, c.NodePort), nil
}

// holdingNodePort returns the Service other than self that holds port; if
// several claim it, the first by namespace and name.
func holdingNodePort(svcs []*corev1.Service, self *corev1.Service, port int32) *corev1.Service {
	svcs = slices.Clone(svcs)
	snapshot.SortByName(svcs)
	for _, s := range svcs {
		if s.Namespace == self.Namespace && s.Name == self.Name {
			continue
		}
		for _, p := range s.Spec.Ports {
			if p.NodePort == port {
				return s
			}
		}
	}
	return nil
}

func typeOf(svc *corev1.Service) corev1.ServiceType {
	if svc.Spec.Type == "" {
		return corev1.ServiceTypeClusterIP
	}
	return svc.Spec.Type
}

func portList(svc *corev1.Service) string {
	var out []string
	for _, p := range svc.Spec.Ports {
		s := fmt.Sprintf("port %d", p.Port)
		if p.NodePort != 0 {
			s += fmt.Sprintf(" on nodePort %d", p.NodePort)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "no ports"
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// ServiceLister lists Services; a client-go
// clientset.CoreV1().Services(metav1.NamespaceAll) satisfies it.
type ServiceLister interface {
	List(ctx context.Context, opts metav1.ListOptions) (*corev1.ServiceList, error)
}
