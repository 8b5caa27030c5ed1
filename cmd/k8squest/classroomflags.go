package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// parseLevels parses --levels: numbers and ranges, comma-separated
// ("21-30", "21,23,25-27"), every one a level of the catalogue.
func parseLevels(s string, exists func(int) bool) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, err := levelRange(part)
		if err != nil {
			return nil, fmt.Errorf("--levels %q: %w", s, err)
		}
		for id := lo; id <= hi; id++ {
			if !exists(id) {
				return nil, fmt.Errorf("--levels %q: level %d does not exist (see k8squest levels)", s, id)
			}
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// levelRange parses "N" or "N-M".
func levelRange(part string) (lo, hi int, err error) {
	a, b, isRange := strings.Cut(part, "-")
	if lo, err = strconv.Atoi(a); err != nil || lo < 1 {
		return 0, 0, fmt.Errorf("%q is not a level number or a range N-M", part)
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = strconv.Atoi(b); err != nil || hi < lo {
		return 0, 0, fmt.Errorf("%q is not a range N-M with N ≤ M", part)
	}
	return lo, hi, nil
}

// validImage checks --shell-image: empty (the default) or one image
// reference, without spaces, whose name part is lowercase, as registries
// require. The API server judges the rest when the pod is created.
func validImage(ref string) error {
	if ref == "" {
		return nil
	}
	if strings.ContainsFunc(ref, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("an image reference has no spaces")
	}
	name := ref
	if i := strings.IndexAny(name, "@"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	if name == "" || strings.HasPrefix(ref, "-") {
		return fmt.Errorf("want an image reference such as registry.k8s.io/kubectl:v1.37.2")
	}
	path := name
	if first, rest, ok := strings.Cut(name, "/"); ok && strings.ContainsAny(first, ".:") {
		path = rest // the registry's host may have capitals; the path may not
	}
	if path != strings.ToLower(path) {
		return fmt.Errorf("an image's repository path is lowercase")
	}
	return nil
}
