package fieldnotes

import (
	"fmt"
	"strings"
	"time"
)

// Markdown writes the notes up as the "On your cluster" section. debrief is
// the level's debrief, read to spot where the cluster contradicted it.
func (n *Notes) Markdown(debrief string) string {
	if n == nil || (n.Broken == nil && n.Fixed == nil && n.Drill == nil) {
		return ""
	}
	var b strings.Builder
	b.WriteString("## On your cluster\n\n")
	fmt.Fprintf(&b, "What this play observed in namespace `%s`.\n\n", n.Namespace)
	for _, name := range n.serviceKeys() {
		n.writeService(&b, name[0], name[1])
	}
	if d := n.Drill; d != nil {
		writeDrill(&b, d)
	}
	for _, c := range n.contradictions(debrief) {
		b.WriteString("> **Your cluster and the debrief disagree.** " + c + "\n\n")
	}
	b.WriteString("---\n\n")
	return b.String()
}

// serviceKeys lists the Services seen in either observation, in order.
func (n *Notes) serviceKeys() [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, o := range []*Observation{n.Broken, n.Fixed} {
		if o == nil {
			continue
		}
		for _, s := range o.Services {
			k := [2]string{s.Namespace, s.Name}
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// writeService writes one Service before and after the fix.
func (n *Notes) writeService(b *strings.Builder, ns, name string) {
	fmt.Fprintf(b, "**Service %s**\n\n", name)
	writeState(b, "Broken", n.Broken, ns, name)
	writeState(b, "Fixed", n.Fixed, ns, name)
	b.WriteString("\n")
}

// writeState writes what one observation saw of Service ns/name; nothing
// when that state was not observed.
func writeState(b *strings.Builder, when string, o *Observation, ns, name string) {
	if o == nil {
		return
	}
	s := o.Service(ns, name)
	if s == nil {
		fmt.Fprintf(b, "- %s: the Service did not exist.\n", when)
		return
	}
	fmt.Fprintf(b, "- %s: clusterIP %s; endpoints %s; `%s` answered %s.\n", when, s.ClusterIP, list(s.Endpoints), s.DNS.Name, answer(s.DNS))
	for _, p := range s.Pods {
		fmt.Fprintf(b, "  - `%s` answered %s.\n", p.Name, answer(p))
	}
}

func writeDrill(b *strings.Builder, d *Drill) {
	b.WriteString("**The drill**\n\n")
	if d.Pod == "" {
		fmt.Fprintf(b, "- %s\n\n", d.Message)
		return
	}
	fmt.Fprintf(b, "- Pod %s was deleted and replaced: IP %s before, %s after.\n", d.Pod, d.OldIP, d.NewIP)
	fmt.Fprintf(b, "- The replacement was Ready after %s.\n", round(d.ReadyAfter))
	if d.DNSAfter > 0 || d.Passed {
		fmt.Fprintf(b, "- DNS answered the new IP %s after that.\n", round(d.DNSAfter))
	} else {
		fmt.Fprintf(b, "- DNS did not follow: %s\n", d.Message)
	}
	b.WriteString("\n")
}

// contradictions finds where the cluster contradicted the debrief: per-pod
// names answered behind a Service that was not headless, while the debrief
// says they return NXDOMAIN.
func (n *Notes) contradictions(debrief string) []string {
	if n.Broken == nil || !strings.Contains(debrief, "NXDOMAIN") {
		return nil
	}
	var out []string
	for _, s := range n.Broken.Services {
		if s.ClusterIP == "None" {
			continue
		}
		for _, p := range s.Pods {
			if len(p.Values) > 0 {
				out = append(out, fmt.Sprintf("The debrief says per-pod names return NXDOMAIN behind a ClusterIP Service. Yours answered `%s` with %s while Service %s had clusterIP %s. The Kubernetes DNS specification promises per-pod names only for headless Services, so a cluster may answer them or not; do not count on them without `clusterIP: None`.", p.Name, strings.Join(p.Values, ", "), s.Name, s.ClusterIP))
				break
			}
		}
	}
	return out
}

func answer(a Answer) string {
	if len(a.Values) > 0 {
		return strings.Join(a.Values, ", ")
	}
	if a.Rcode == "" {
		return "nothing"
	}
	return a.Rcode
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func round(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}
