package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints the report for people: each finding's location on one
// line and its verdict indented below, then a summary line.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s\n    %s %s %s: %s\n", f.String(), f.Severity, f.Rule, f.RuleName, f.Message)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// String names a location: file, document, object and field.
func (l Location) String() string {
	parts := []string{l.File}
	if l.Document > 0 {
		parts = append(parts, fmt.Sprintf("document %d", l.Document))
	}
	if l.Kind != "" && l.Name != "" {
		parts = append(parts, l.Kind+" "+l.Name)
	}
	if l.Field != "" {
		parts = append(parts, l.Field)
	}
	return strings.Join(parts, ", ")
}

// Summary says how many findings of each severity were found in how much input.
func (r Report) Summary() string {
	in := fmt.Sprintf("in %d file%s (%d object%s)", r.Files, plural(r.Files, "", "s"), r.Objects, plural(r.Objects, "", "s"))
	if len(r.Findings) == 0 {
		return "no problems found " + in
	}
	e, wn, i := r.Count(Error), r.Count(Warning), r.Count(Info)
	return fmt.Sprintf("%d error%s, %d warning%s, %d note%s %s", e, plural(e, "", "s"), wn, plural(wn, "", "s"), i, plural(i, "", "s"), in)
}

// jsonReport is the stable JSON shape of `k8squest lint --format json`.
type jsonReport struct {
	Files    int       `json:"files"`
	Objects  int       `json:"objects"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Passed   bool      `json:"passed"`
	Findings []Finding `json:"findings"`
}

// WriteJSON prints the report as one JSON object.
func WriteJSON(w io.Writer, r Report) error {
	out := jsonReport{Files: r.Files, Objects: r.Objects, Errors: r.Count(Error), Warnings: r.Count(Warning), Passed: !r.Failed(), Findings: r.Findings}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write the lint report: %w", err)
	}
	return nil
}
