package levels

import (
	"fmt"
	"strings"
)

// spoilers validates the level's spoilers and keeps its check titles free
// of them: a title states a goal the player can verify, never the fix.
func (b *builder) spoilers(l *Level) error {
	if len(b.spec.Spoilers) == 0 {
		return b.errf("spoilers", "at least one is required: list the strings that give the fix away")
	}
	seen := map[string]bool{}
	for i, s := range b.spec.Spoilers {
		field := fmt.Sprintf("spoilers[%d]", i)
		key := strings.ToLower(strings.TrimSpace(s))
		switch {
		case key == "":
			return b.errf(field, "is empty")
		case seen[key]:
			return b.errf(field, "%q is listed twice", s)
		}
		seen[key] = true
	}
	for i, c := range l.Checks {
		if s := SpoilerIn(c.Title, b.spec.Spoilers); s != "" {
			return b.errf(fmt.Sprintf("checks[%d].title", i), "%q gives the fix away (spoiler %q); state the goal the player can verify instead", c.Title, s)
		}
	}
	l.Spoilers = b.spec.Spoilers
	return nil
}

// reveals validates which hint reveals which check's diagnosis: every check
// is revealed by exactly one hint.
func (b *builder) reveals(l *Level) error {
	by := map[string]int{}
	for i, h := range b.spec.Hints {
		for j, id := range h.Reveals {
			field := fmt.Sprintf("hints[%d].reveals[%d]", i, j)
			if l.check(id) < 0 {
				return b.errf(field, "no check has id %q", id)
			}
			if k, ok := by[id]; ok {
				return b.errf(field, "check %q is already revealed by hints[%d]", id, k)
			}
			by[id] = i
		}
	}
	for i, c := range l.Checks {
		if _, ok := by[c.ID]; !ok {
			return b.errf(fmt.Sprintf("checks[%d]", i), "no hint reveals the diagnosis of check %q; list it under reveals of one hint", c.ID)
		}
	}
	return nil
}

// check returns the index of the check with id, or -1.
func (l *Level) check(id string) int {
	for i, c := range l.Checks {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// RevealedBy returns the index of the hint that reveals check id's
// diagnosis, or -1 when none does.
func (l *Level) RevealedBy(id string) int {
	for i, h := range l.Hints {
		for _, r := range h.Reveals {
			if r == id {
				return i
			}
		}
	}
	return -1
}

// SpoilerIn returns the first of spoilers that text holds, compared without
// regard to case, or "" when it holds none.
func SpoilerIn(text string, spoilers []string) string {
	low := strings.ToLower(text)
	for _, s := range spoilers {
		if strings.Contains(low, strings.ToLower(s)) {
			return s
		}
	}
	return ""
}
