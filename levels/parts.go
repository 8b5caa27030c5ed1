package levels

import (
	"fmt"
	"path"
	"strings"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
)

func (b *builder) texts(l *Level) (err error) {
	if l.Briefing, err = b.read("briefing", b.spec.Briefing, defaultBriefing); err != nil {
		return err
	}
	l.Debrief, err = b.read("debrief", b.spec.Debrief, defaultDebrief)
	return err
}

func (b *builder) hints(l *Level) error {
	if len(b.spec.Hints) == 0 {
		return b.errf("hints", "at least one hint is required")
	}
	for i, h := range b.spec.Hints {
		field := fmt.Sprintf("hints[%d]", i)
		if h.Cost < 0 || h.Cost > l.XP {
			return b.errf(field+".cost", "must be between 0 and the level's xp (%d), got %d", l.XP, h.Cost)
		}
		text, err := b.read(field+".file", h.File, "")
		if err != nil {
			return err
		}
		l.Hints = append(l.Hints, Hint{Text: text, Cost: h.Cost, Reveals: h.Reveals})
	}
	return nil
}

func (b *builder) solution(l *Level) error {
	s := b.spec.Solution
	if s.Cost < 0 || s.Cost > l.XP {
		return b.errf("solution.cost", "must be between 0 and the level's xp (%d), got %d", l.XP, s.Cost)
	}
	text, err := b.read("solution.file", s.File, "")
	if err != nil {
		return err
	}
	l.Solution = Solution{Text: text, Cost: s.Cost}
	return nil
}

func (b *builder) checks(l *Level) error {
	if len(b.spec.Checks) == 0 {
		return b.errf("checks", "at least one check is required")
	}
	seen := map[string]bool{}
	for i, c := range b.spec.Checks {
		field := fmt.Sprintf("checks[%d]", i)
		switch {
		case !dnsLabel.MatchString(c.ID):
			return b.errf(field+".id", "must be a short lower-case id such as \"headless\", got %q", c.ID)
		case seen[c.ID]:
			return b.errf(field+".id", "%q is used twice", c.ID)
		case strings.TrimSpace(c.Title) == "":
			return b.errf(field+".title", "is required")
		}
		seen[c.ID] = true
		if err := b.nodePortUse(field+".title", c.Title); err != nil {
			return err
		}
		if err := b.nodePortUse(field+".params", string(c.Params)); err != nil {
			return err
		}
		chk, err := check.Build(c.Type, withNodePort(c.Params, l.defaultNodePort))
		if err != nil {
			return b.errf(field, "type %s: %v", c.Type, err)
		}
		l.Checks = append(l.Checks, CheckSpec{ID: c.ID, Title: c.Title, Type: c.Type, Check: chk, params: c.Params})
	}
	return nil
}

func (b *builder) drill(l *Level) error {
	d := b.spec.Drill
	if d == nil {
		return nil
	}
	if strings.TrimSpace(d.Title) == "" {
		return b.errf("drill.title", "is required")
	}
	dr, err := drill.Build(d.Type, d.Params)
	if err != nil {
		return b.errf("drill", "type %s: %v", d.Type, err)
	}
	l.Drill = &DrillSpec{Title: d.Title, Type: d.Type, Drill: dr}
	return nil
}

func (b *builder) manifests(l *Level) error {
	files := b.spec.Manifests
	if len(files) == 0 {
		files = []string{defaultManifest}
	}
	var err error
	if l.broken, err = b.readManifests("manifests", files); err != nil {
		return err
	}
	if len(b.spec.Solution.Manifests) > 0 {
		if l.solution, err = b.readManifests("solution.manifests", b.spec.Solution.Manifests); err != nil {
			return err
		}
	}
	// Render once with the default namespace so decoding errors show at load.
	if _, err := render(l.broken, l.Namespace, l.namespaceMap(l.Namespace), l.defaultNodePort); err != nil {
		return err
	}
	_, err = render(l.solution, l.Namespace, l.namespaceMap(l.Namespace), l.defaultNodePort)
	return err
}

func (b *builder) readManifests(field string, files []string) ([]manifestDoc, error) {
	var out []manifestDoc
	for i, f := range files {
		text, err := b.read(fmt.Sprintf("%s[%d]", field, i), f, "")
		if err != nil {
			return nil, err
		}
		if err := b.nodePortUse(fmt.Sprintf("%s[%d] (%s)", field, i, f), text); err != nil {
			return nil, err
		}
		out = append(out, manifestDoc{file: path.Join(b.dir, f), text: text})
	}
	return out, nil
}

func (b *builder) access(l *Level) error {
	for i, r := range b.spec.PlayerAccess {
		field := fmt.Sprintf("playerAccess[%d]", i)
		switch {
		case len(r.Verbs) == 0:
			return b.errf(field+".verbs", "at least one verb is required")
		case len(r.Resources) == 0 && len(r.NonResourceURLs) == 0:
			return b.errf(field+".resources", "at least one resource is required")
		}
		for _, v := range r.Verbs {
			if v == "*" || v == "escalate" || v == "bind" || v == "impersonate" {
				return b.errf(field+".verbs", "%q would let the player take over the cluster; name the verbs the level needs", v)
			}
		}
	}
	l.PlayerAccess = b.spec.PlayerAccess
	return nil
}
