package check

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("networkPolicyAllows", newNetPolicy) }

// netPolicy passes when every case's traffic is allowed or denied as
// expected, evaluating all the NetworkPolicies of the namespaces involved as
// the networking.k8s.io/v1 API defines them. No network plugin is asked.
type netPolicy struct {
	Cases []npCase `json:"cases"`
}

// npCase is one connection to evaluate.
type npCase struct {
	// Name labels the case in messages; generated when empty.
	Name string `json:"name"`
	// FromDeployment takes the sources from a Deployment's live pods;
	// FromLabels stands for a pod with these labels. One is required.
	FromDeployment string            `json:"fromDeployment"`
	FromLabels     map[string]string `json:"fromLabels"`
	// FromNamespace is a namespace role of the level; empty is the main one.
	FromNamespace string `json:"fromNamespace"`
	// ToDeployment takes the destinations from a Deployment's live pods;
	// ToLabels stands for a pod with these labels. One is required.
	ToDeployment string            `json:"toDeployment"`
	ToLabels     map[string]string `json:"toLabels"`
	ToNamespace  string            `json:"toNamespace"`
	// Port is a number or a container port name of the destination.
	Port     intstr.IntOrString `json:"port"`
	Protocol corev1.Protocol    `json:"protocol"`
	// Expect is allow or deny.
	Expect string `json:"expect"`
}

var _ Check = (*netPolicy)(nil)

func newNetPolicy(params []byte) (Check, error) {
	c := &netPolicy{}
	return c, decode(params, c)
}

func (c *netPolicy) validate() error {
	if len(c.Cases) == 0 {
		return fmt.Errorf("cases: at least one case is required")
	}
	for i := range c.Cases {
		k := &c.Cases[i]
		f := fmt.Sprintf("cases[%d]", i)
		switch {
		case (k.FromDeployment == "") == (len(k.FromLabels) == 0):
			return fmt.Errorf("%s: exactly one of fromDeployment and fromLabels is required", f)
		case (k.ToDeployment == "") == (len(k.ToLabels) == 0):
			return fmt.Errorf("%s: exactly one of toDeployment and toLabels is required", f)
		case k.Expect != "allow" && k.Expect != "deny":
			return fmt.Errorf("%s.expect: must be allow or deny, got %q", f, k.Expect)
		case k.Port.Type == intstr.Int && (k.Port.IntVal < 1 || k.Port.IntVal > 65535):
			return fmt.Errorf("%s.port: must be a port number from 1 to 65535 or a port name, got %d", f, k.Port.IntVal)
		case k.Port.Type == intstr.String && k.Port.StrVal == "":
			return fmt.Errorf("%s.port: is required", f)
		}
		switch k.Protocol {
		case "":
			k.Protocol = corev1.ProtocolTCP
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			return fmt.Errorf("%s.protocol: must be TCP, UDP or SCTP, got %q", f, k.Protocol)
		}
		if k.Name == "" {
			k.Name = fmt.Sprintf("%s → %s:%s", npSide(k.FromDeployment, k.FromLabels), npSide(k.ToDeployment, k.ToLabels), k.Port.String())
		}
	}
	return nil
}

func npSide(deploy string, l map[string]string) string {
	if deploy != "" {
		return deploy
	}
	return setString(l)
}

// npEvaluated is appended to every verdict, so the player knows where the
// answer comes from.
const npEvaluated = "evaluated from the NetworkPolicy objects as the API defines them; no network plugin was asked"

// Run implements Check.
func (c *netPolicy) Run(_ context.Context, env *Env) Result {
	var bad, badSeen, good, goodSeen []string
	for _, k := range c.Cases {
		ok, detail := c.runCase(env, k)
		if !ok {
			bad = append(bad, fmt.Sprintf("%q expected %s, but %s", k.Name, k.Expect, detail))
			badSeen = append(badSeen, fmt.Sprintf("%s is %s, expected %s", k.Name, npOpposite(k.Expect), npOutcome(k.Expect)))
		} else {
			good = append(good, fmt.Sprintf("%q %s (%s)", k.Name, k.Expect, detail))
			goodSeen = append(goodSeen, fmt.Sprintf("%s is %s", k.Name, npOutcome(k.Expect)))
		}
	}
	if len(bad) > 0 {
		return fail(fmt.Sprintf("%s (%s)", strings.Join(append(badSeen, goodSeen...), "; "), npEvaluated),
			fmt.Sprintf("%s (%s)", strings.Join(bad, "; "), npEvaluated))
	}
	return pass(fmt.Sprintf("%s (%s)", strings.Join(goodSeen, "; "), npEvaluated),
		fmt.Sprintf("%s (%s)", strings.Join(good, "; "), npEvaluated))
}

// npOutcome says what a connection expected to be allowed or denied sees.
func npOutcome(expect string) string {
	if expect == "allow" {
		return "let through"
	}
	return "refused"
}

// npOpposite is the outcome a connection saw when the expectation failed.
func npOpposite(expect string) string {
	if expect == "allow" {
		return npOutcome("deny")
	}
	return npOutcome("allow")
}

func (c *netPolicy) runCase(env *Env, k npCase) (bool, string) {
	srcNS, dstNS := env.Resolve(k.FromNamespace), env.Resolve(k.ToNamespace)
	srcs, err := npPeers(env.Snap, srcNS, k.FromDeployment, k.FromLabels)
	if err != "" {
		return false, err
	}
	dsts, err := npPeers(env.Snap, dstNS, k.ToDeployment, k.ToLabels)
	if err != "" {
		return false, err
	}
	want := k.Expect == "allow"
	nsLabels := npNamespaceLabels(env.Snap)
	var summary []string
	for _, d := range dsts {
		for _, s := range srcs {
			dec := NetworkPolicyEvaluate(env.Snap.NetworkPolicies, nsLabels, s, d, k.Port, k.Protocol)
			if dec.Allowed != want {
				return false, dec.Reason
			}
			summary = append(summary, dec.Summary)
		}
	}
	return true, fmt.Sprintf("%s; %d pod pair%s evaluated", npDedup(summary), len(summary), w3Plural(len(summary)))
}

// npNamespaceLabels returns a namespace's labels from the snapshot; when the
// snapshot has none for it (the identity may not list namespaces), only the
// kubernetes.io/metadata.name label the API server sets on every namespace.
func npNamespaceLabels(s *snapshot.Snapshot) func(string) labels.Set {
	return func(ns string) labels.Set {
		if l, ok := s.NamespaceLabels[ns]; ok {
			return labels.Set(l)
		}
		return labels.Set{corev1.LabelMetadataName: ns}
	}
}

// npPeers returns the pods a case names: a Deployment's live pods, or one
// pod that stands for any pod with the labels given.
func npPeers(s *snapshot.Snapshot, ns, deploy string, l map[string]string) ([]NPPod, string) {
	if deploy == "" {
		return []NPPod{{Namespace: ns, Labels: l, Name: "a pod labelled " + setString(l), MayGet: npPodAddrs(s)}}, ""
	}
	d := s.Deployment(ns, deploy)
	if d == nil {
		return nil, fmt.Sprintf("Deployment %s does not exist in namespace %s", deploy, ns)
	}
	var out []NPPod
	for _, p := range s.PodsMatching(ns, d.Spec.Template.Labels) {
		if !npOwnedBy(p, d.Spec.Selector) {
			continue
		}
		np := NPPod{Namespace: ns, Labels: p.Labels, Name: "pod " + p.Name, IPs: npIPs(p)}
		for _, ctr := range p.Spec.Containers {
			np.Ports = append(np.Ports, ctr.Ports...)
		}
		out = append(out, np)
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("Deployment %s has no running pods to evaluate", deploy)
	}
	return out, ""
}

// npIPs returns a pod's addresses.
func npIPs(p *corev1.Pod) []string {
	var out []string
	for _, ip := range p.Status.PodIPs {
		out = append(out, ip.IP)
	}
	if len(out) == 0 && p.Status.PodIP != "" {
		out = append(out, p.Status.PodIP)
	}
	return out
}

// npPodAddrs returns the addresses of the snapshot's live pods.
func npPodAddrs(s *snapshot.Snapshot) []string {
	var out []string
	for _, p := range s.Pods {
		if p.DeletionTimestamp == nil {
			out = append(out, npIPs(p)...)
		}
	}
	return out
}

func npOwnedBy(p *corev1.Pod, sel *metav1.LabelSelector) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(p.Labels))
}

func npDedup(xs []string) string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// NPPod is one end of a connection, as NetworkPolicy sees it.
type NPPod struct {
	Namespace string
	Labels    map[string]string
	// Name describes the pod in messages.
	Name string
	// Ports are the pod's container ports, for named ports in policies.
	Ports []corev1.ContainerPort
	// IPs are the pod's addresses, for ipBlock peers; empty for a pod that
	// stands for any pod with some labels.
	IPs []string
	// MayGet are, for a pod without IPs, the addresses it may be given: the
	// live pods' addresses seen, since pod addresses come and go.
	MayGet []string
}

// NPDecision is the outcome of evaluating one connection.
type NPDecision struct {
	Allowed bool
	// Reason explains the decision, naming the pods.
	Reason string
	// Summary explains it without naming pods, for one line per case.
	Summary string
}

// NetworkPolicyEvaluate decides whether src may open a connection to dst on
// port (a number, or a name of one of dst's container ports) and protocol,
// under the policies given, as the networking.k8s.io/v1 API defines them:
//
//   - a pod is isolated for ingress when a policy in its namespace selects it
//     (an empty podSelector selects every pod) and that policy's policyTypes
//     include Ingress; policyTypes left empty mean Ingress, plus Egress when
//     the policy has egress rules. The same holds for egress on the source;
//   - an isolated pod accepts a connection when any selecting policy has a
//     rule whose peers and ports both admit it; policies only add;
//   - a rule with no from/to admits every peer, with no ports every port;
//   - a peer's podSelector picks pods in the policy's namespace; its
//     namespaceSelector picks namespaces by the labels nsLabels gives; both
//     together pick those pods in those namespaces; an ipBlock takes in a
//     pod by its addresses, or, for a pod that stands for any pod with some
//     labels, by the live pods' addresses it may be given (see npInBlock);
//   - a port is a number (with endPort, a range) or a container port name
//     resolved against the destination pod; protocol defaults to TCP.
func NetworkPolicyEvaluate(pols []*networkingv1.NetworkPolicy, nsLabels func(string) labels.Set, src, dst NPPod, port intstr.IntOrString, proto corev1.Protocol) NPDecision {
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	portNum, portName := npCasePort(dst, port, proto)
	ps := fmt.Sprintf("%s/%s", proto, port.String())
	// Egress of the source.
	out := npSelecting(pols, src, networkingv1.PolicyTypeEgress)
	if len(out) > 0 {
		if ok, _, _ := npAdmits(out, networkingv1.PolicyTypeEgress, src, dst, portNum, portName, proto, nsLabels); !ok {
			return NPDecision{Reason: fmt.Sprintf("%s is isolated for egress by NetworkPolicy %s, and no egress rule admits %s on %s", src.Name, npNames(out), dst.Name, ps),
				Summary: "refused on egress by NetworkPolicy " + npNames(out)}
		}
	}
	in := npSelecting(pols, dst, networkingv1.PolicyTypeIngress)
	if len(in) == 0 {
		return NPDecision{Allowed: true, Reason: fmt.Sprintf("no NetworkPolicy selects %s for ingress, so it accepts all traffic", dst.Name),
			Summary: "the destination is not isolated for ingress"}
	}
	ok, by, how := npAdmits(in, networkingv1.PolicyTypeIngress, dst, src, portNum, portName, proto, nsLabels)
	if !ok {
		return NPDecision{Reason: fmt.Sprintf("%s is isolated for ingress by NetworkPolicy %s, and no ingress rule admits %s on %s", dst.Name, npNames(in), src.Name, ps),
			Summary: "refused: isolated for ingress by NetworkPolicy " + npNames(in) + ", no rule admits it"}
	}
	return NPDecision{Allowed: true, Reason: fmt.Sprintf("NetworkPolicy %s admits %s to %s on %s%s", by, src.Name, dst.Name, ps, how),
		Summary: "admitted by NetworkPolicy " + by}
}

// npCasePort resolves the port of a case: a name is looked up among dst's
// container ports of that protocol; a number is kept, and the container
// port's name, if dst declares one, is returned for named ports in policies.
func npCasePort(dst NPPod, port intstr.IntOrString, proto corev1.Protocol) (int32, string) {
	for _, cp := range dst.Ports {
		p := cp.Protocol
		if p == "" {
			p = corev1.ProtocolTCP
		}
		if p != proto {
			continue
		}
		if port.Type == intstr.String && cp.Name == port.StrVal {
			return cp.ContainerPort, cp.Name
		}
		if port.Type == intstr.Int && cp.ContainerPort == port.IntVal {
			return cp.ContainerPort, cp.Name
		}
	}
	if port.Type == intstr.String {
		return 0, port.StrVal
	}
	return port.IntVal, ""
}

// npSelecting returns the policies in pod's namespace that select it and
// isolate it in direction dir, sorted by name, so that messages naming them
// do not depend on the order they were listed in.
func npSelecting(pols []*networkingv1.NetworkPolicy, pod NPPod, dir networkingv1.PolicyType) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, p := range pols {
		if p.Namespace != pod.Namespace || !npHasType(p, dir) {
			continue
		}
		if npSelectorMatches(&p.Spec.PodSelector, pod.Labels) {
			out = append(out, p)
		}
	}
	snapshot.SortByName(out)
	return out
}

// npHasType applies the API's defaulting of policyTypes.
func npHasType(p *networkingv1.NetworkPolicy, dir networkingv1.PolicyType) bool {
	if len(p.Spec.PolicyTypes) == 0 {
		return dir == networkingv1.PolicyTypeIngress || len(p.Spec.Egress) > 0
	}
	for _, t := range p.Spec.PolicyTypes {
		if t == dir {
			return true
		}
	}
	return false
}

func npSelectorMatches(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && s.Matches(labels.Set(l))
}

// npAdmits reports whether any rule, in direction dir, of the policies that
// select self admits peer on the port; it returns the first admitting policy
// in the order given, and how it admits peer when by address.
func npAdmits(pols []*networkingv1.NetworkPolicy, dir networkingv1.PolicyType, self, peer NPPod, portNum int32, portName string, proto corev1.Protocol, nsLabels func(string) labels.Set) (bool, string, string) {
	// The port is always the destination's: for ingress self is the
	// destination, for egress peer is.
	for _, p := range pols {
		if dir == networkingv1.PolicyTypeIngress {
			for _, r := range p.Spec.Ingress {
				if ok, how := npPeersMatch(r.From, p.Namespace, peer, nsLabels); ok && npPortsMatch(r.Ports, portNum, portName, proto) {
					return true, p.Name, how
				}
			}
			continue
		}
		for _, r := range p.Spec.Egress {
			if ok, how := npPeersMatch(r.To, p.Namespace, peer, nsLabels); ok && npPortsMatch(r.Ports, portNum, portName, proto) {
				return true, p.Name, how
			}
		}
	}
	return false, "", ""
}

// npPeersMatch reports whether a rule's peers take in pod, and how when by
// address.
func npPeersMatch(peers []networkingv1.NetworkPolicyPeer, policyNS string, pod NPPod, nsLabels func(string) labels.Set) (bool, string) {
	if len(peers) == 0 {
		return true, ""
	}
	for _, peer := range peers {
		switch {
		case peer.IPBlock != nil:
			if how := npInBlock(peer.IPBlock, pod); how != "" {
				return true, how
			}
		case peer.NamespaceSelector != nil:
			if !npSelectorMatches(peer.NamespaceSelector, nsLabels(pod.Namespace)) {
				continue
			}
			if peer.PodSelector == nil || npSelectorMatches(peer.PodSelector, pod.Labels) {
				return true, ""
			}
		case peer.PodSelector != nil:
			if pod.Namespace == policyNS && npSelectorMatches(peer.PodSelector, pod.Labels) {
				return true, ""
			}
		}
	}
	return false, ""
}

// npInBlock says how an ipBlock takes in pod, or "" when it does not: by
// one of the pod's addresses, or, for a pod without any, by an address it
// may be given. Network plugins that enforce ipBlock on pod traffic (as
// kube-router does) match pod addresses this way; the API means ipBlock for
// addresses outside the cluster, since pod addresses change.
func npInBlock(b *networkingv1.IPBlock, pod NPPod) string {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return ""
	}
	addrs, whose := pod.IPs, "its address"
	if len(addrs) == 0 {
		addrs, whose = pod.MayGet, "the address of a live pod, which it may be given"
	}
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a)
		if err != nil || !cidr.Contains(ip) || npExcepted(b.Except, ip) {
			continue
		}
		return fmt.Sprintf(" (by address: ipBlock %s holds %s, %s)", b.CIDR, whose, ip)
	}
	return ""
}

func npExcepted(except []string, ip netip.Addr) bool {
	for _, e := range except {
		if p, err := netip.ParsePrefix(e); err == nil && p.Contains(ip) {
			return true
		}
	}
	return false
}

func npPortsMatch(ports []networkingv1.NetworkPolicyPort, portNum int32, portName string, proto corev1.Protocol) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		pp := corev1.ProtocolTCP
		if p.Protocol != nil {
			pp = *p.Protocol
		}
		if pp != proto {
			continue
		}
		switch {
		case p.Port == nil:
			return true
		case p.Port.Type == intstr.String:
			if portName != "" && p.Port.StrVal == portName {
				return true
			}
		case p.EndPort != nil:
			if portNum >= p.Port.IntVal && portNum <= *p.EndPort {
				return true
			}
		default:
			if portNum != 0 && portNum == p.Port.IntVal {
				return true
			}
		}
	}
	return false
}

func npNames(pols []*networkingv1.NetworkPolicy) string {
	var n []string
	for _, p := range pols {
		n = append(n, p.Name)
	}
	return strings.Join(n, ", ")
}
