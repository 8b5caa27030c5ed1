package dns

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// DNSNamespace is where cluster DNS pods run on kind, kubeadm and k3s.
const DNSNamespace = "kube-system"

// DNSPodSelectors are the label selectors tried, in order, to find a cluster
// DNS pod: kubeadm/kind and k3s label CoreDNS k8s-app=kube-dns; some charts
// use the app.kubernetes.io name or k8s-app=coredns.
var DNSPodSelectors = []string{
	"k8s-app=kube-dns",
	"app.kubernetes.io/name=coredns",
	"k8s-app=coredns",
}

// ErrNoDNSPod says that no pod matching the DNS pod selectors exists.
var ErrNoDNSPod = errors.New("no cluster DNS pod")

// podSelectors are parsed DNS pod selectors, with their text for messages.
type podSelectors struct {
	text     []string
	matchers []labels.Selector
}

func parseSelectors(sels []string) (podSelectors, error) {
	ps := podSelectors{text: sels}
	for _, s := range sels {
		m, err := labels.Parse(s)
		if err != nil {
			return podSelectors{}, fmt.Errorf("DNS pod selector %q: %w", s, err)
		}
		ps.matchers = append(ps.matchers, m)
	}
	return ps, nil
}

// choose returns a Ready pod from pods, trying the selectors in order and,
// among a selector's Ready pods, preferring one other than avoid. When none
// is Ready, the error says why.
func (ps podSelectors) choose(ns string, pods []*corev1.Pod, avoid string) (string, *UnavailableError) {
	var seen []*corev1.Pod
	seenSel := ""
	for i, m := range ps.matchers {
		var ready []string
		for _, p := range pods {
			if !m.Matches(labels.Set(p.Labels)) {
				continue
			}
			if podReady(p) {
				ready = append(ready, p.Name)
			} else if seenSel == "" || seenSel == ps.text[i] {
				seen, seenSel = append(seen, p), ps.text[i]
			}
		}
		if len(ready) > 0 {
			return preferOther(ready, avoid), nil
		}
	}
	if len(seen) == 0 {
		return "", unavailable(ErrNoDNSPod, fmt.Sprintf("no pod labelled %s in %s", orList(ps.text), ns))
	}
	return "", unavailable(nil, fmt.Sprintf("no ready pod with label %s in %s yet (%s)", seenSel, ns, podStates(seen)))
}

// preferOther returns the first name in sorted order that is not avoid, or
// avoid itself when it is the only one.
func preferOther(names []string, avoid string) string {
	sort.Strings(names)
	for _, n := range names {
		if n != avoid {
			return n
		}
	}
	return names[0]
}

func orList(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// podStates says in a few words why each pod is not Ready, in name order.
func podStates(pods []*corev1.Pod) string {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	parts := make([]string, 0, len(pods))
	for _, p := range pods {
		parts = append(parts, p.Name+": "+podState(p))
	}
	return strings.Join(parts, "; ")
}

func podState(p *corev1.Pod) string {
	if p.DeletionTimestamp != nil {
		return "terminating"
	}
	s := string(p.Status.Phase)
	if s == "" {
		s = "unscheduled"
	}
	for _, c := range p.Status.ContainerStatuses {
		if w := c.State.Waiting; w != nil && w.Reason != "" {
			return s + ", " + w.Reason
		}
	}
	if p.Status.Phase == corev1.PodRunning {
		return s + ", not Ready"
	}
	return s
}

func podReady(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning || p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
