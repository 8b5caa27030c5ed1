package classroom

import (
	"fmt"
	"strings"
)

// InstructorUser is the SSH user name the instructor logs in with. No
// learner may take it.
const InstructorUser = "instructor"

// maxLabel is the longest DNS label (RFC 1123), and so the longest
// namespace name.
const maxLabel = 63

// ValidWorkshop checks that name can be a workshop's name: a DNS label
// short enough that "<name>-<learner>" still leaves room for a learner.
func ValidWorkshop(name string) error {
	if err := dnsLabel(name); err != nil {
		return fmt.Errorf("workshop name %q %w", name, err)
	}
	if len(name) > maxLabel-2 {
		return fmt.Errorf("workshop name %q is %d characters: at most %d leave room for a learner's name in the namespace %q", name, len(name), maxLabel-2, name+"-NAME")
	}
	return nil
}

// ValidLearner checks that name can be a learner's name in workshop: a DNS
// label (RFC 1123) such that the namespace "<workshop>-<name>" is one too,
// and not the instructor's name.
func ValidLearner(workshop, name string) error {
	if name == InstructorUser {
		return fmt.Errorf("name %q is the instructor's: log in with another name", name)
	}
	if err := dnsLabel(name); err != nil {
		return fmt.Errorf("name %q %w", name, err)
	}
	if room := maxLabel - len(workshop) - 1; len(name) > room {
		return fmt.Errorf("name %q is %d characters: in workshop %q at most %d fit, because the namespace %q must be a DNS label of at most %d", name, len(name), workshop, room, workshop+"-"+name, maxLabel)
	}
	return nil
}

// Namespace returns the namespace of learner name in workshop.
func Namespace(workshop, name string) string { return workshop + "-" + name }

// dnsLabel checks s against RFC 1123's label: 1 to 63 lowercase letters,
// digits and '-', starting and ending with a letter or digit. The error
// completes a sentence that starts with the name.
func dnsLabel(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("is empty: use lowercase letters, digits and '-'")
	case len(s) > maxLabel:
		return fmt.Errorf("is %d characters: a DNS label has at most %d", len(s), maxLabel)
	case s[0] == '-' || s[len(s)-1] == '-':
		return fmt.Errorf("is not a DNS label: it must start and end with a lowercase letter or a digit")
	}
	for _, r := range s {
		if !isLabelRune(r) {
			return fmt.Errorf("is not a DNS label: %q is not allowed; use lowercase letters, digits and '-'%s", r, suggestion(s))
		}
	}
	return nil
}

// isLabelRune reports whether r may appear in a DNS label.
func isLabelRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'
}

// suggestion offers the lowercase form of s when that alone would make it
// a DNS label.
func suggestion(s string) string {
	low := strings.ToLower(s)
	for _, r := range low {
		if !isLabelRune(r) {
			return ""
		}
	}
	if low[0] == '-' || low[len(low)-1] == '-' {
		return ""
	}
	return fmt.Sprintf(" (try %q)", low)
}
