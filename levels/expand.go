package levels

import "strings"

// WithNamespace returns a copy of l that plays in namespace ns, with
// ${NAMESPACE} in its texts replaced by ns. An empty ns keeps the default.
func (l *Level) WithNamespace(ns string) *Level {
	c := *l
	if ns != "" {
		c.Namespace = ns
	}
	x := func(s string) string { return strings.ReplaceAll(s, NamespaceVar, c.Namespace) }
	c.Briefing, c.Debrief = x(l.Briefing), x(l.Debrief)
	c.Solution.Text = x(l.Solution.Text)
	c.Hints = make([]Hint, len(l.Hints))
	for i, h := range l.Hints {
		c.Hints[i] = Hint{Text: x(h.Text), Cost: h.Cost, Reveals: h.Reveals}
	}
	c.Spoilers = make([]string, len(l.Spoilers))
	for i, s := range l.Spoilers {
		c.Spoilers[i] = x(s)
	}
	return &c
}
