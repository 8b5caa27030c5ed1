package levels

import (
	"fmt"
	"strings"
)

// WithNamespace returns a copy of l that plays in namespace ns, with
// ${NAMESPACE} in its texts replaced by ns. An empty ns keeps the default.
func (l *Level) WithNamespace(ns string) *Level {
	c := *l
	if ns != "" {
		c.Namespace = ns
	}
	c.nsBound = true
	return c.expanded()
}

// rawTexts are a level's texts as written.
type rawTexts struct {
	briefing, debrief, solution string
	hints, spoilers, titles     []string
}

// rawTexts returns l's texts as they are now.
func (l *Level) rawTexts() *rawTexts {
	r := &rawTexts{briefing: l.Briefing, debrief: l.Debrief, solution: l.Solution.Text, spoilers: l.Spoilers}
	for _, h := range l.Hints {
		r.hints = append(r.hints, h.Text)
	}
	for _, c := range l.Checks {
		r.titles = append(r.titles, c.Title)
	}
	return r
}

// expanded returns a copy of l whose texts are its raw texts with
// ${NODE_PORT} replaced, and ${NAMESPACE} too once the namespace is bound.
func (l *Level) expanded() *Level {
	c := *l
	x := func(s string) string {
		if c.nsBound {
			s = strings.ReplaceAll(s, NamespaceVar, c.Namespace)
		}
		if c.NodePort != 0 {
			s = strings.ReplaceAll(s, NodePortVar, fmt.Sprint(c.NodePort))
		}
		return s
	}
	r := l.raw
	if r == nil {
		// A level built in code rather than loaded: its texts as they are.
		r = l.rawTexts()
	}
	c.Briefing, c.Debrief = x(r.briefing), x(r.debrief)
	c.Solution.Text = x(r.solution)
	c.Hints = make([]Hint, len(l.Hints))
	for i, h := range l.Hints {
		c.Hints[i] = Hint{Text: x(r.hints[i]), Cost: h.Cost, Reveals: h.Reveals}
	}
	c.Spoilers = make([]string, len(r.spoilers))
	for i, s := range r.spoilers {
		c.Spoilers[i] = x(s)
	}
	c.Checks = make([]CheckSpec, len(l.Checks))
	for i, ch := range l.Checks {
		ch.Title = x(r.titles[i])
		c.Checks[i] = ch
	}
	return &c
}
