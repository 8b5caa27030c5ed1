// Package lint checks Kubernetes manifests offline, before they reach a
// cluster. It reuses the game's checks (engine/check) on a snapshot built
// from the manifests, and adds rules that only make sense on files: pod IP
// literals where a DNS name belongs, Service ports no container declares.
package lint

import (
	"context"
	"sort"
)

// Severity is how bad a finding is.
type Severity int

const (
	// Info is a note; it never fails a lint run.
	Info Severity = iota
	// Warning is probably a mistake; it does not fail a lint run.
	Warning
	// Error breaks the workload; any error makes a lint run fail.
	Error
)

// String implements fmt.Stringer.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	default:
		return "invalid"
	}
}

// MarshalText implements encoding.TextMarshaler, for the JSON report.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Location says where a finding is: a file, a document in it counted from 1
// (0 when the finding is about the whole file), the object and a field path.
type Location struct {
	File      string `json:"file"`
	Document  int    `json:"document,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Field     string `json:"field,omitempty"`
}

// Finding is one problem found in the input.
type Finding struct {
	Rule     string   `json:"rule"`
	RuleName string   `json:"ruleName"`
	Severity Severity `json:"severity"`
	Location
	Message string `json:"message"`
}

// Options configure a lint run.
type Options struct {
	// Namespace is given to objects without one; default "default".
	Namespace string
}

// Report is the outcome of a lint run.
type Report struct {
	Files    int       `json:"files"`
	Objects  int       `json:"objects"`
	Findings []Finding `json:"findings"`
}

// Count returns how many findings have severity s.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Failed reports whether any finding is an error.
func (r Report) Failed() bool { return r.Count(Error) > 0 }

// Lint parses sources and runs every rule on the objects they hold.
func Lint(ctx context.Context, sources []Source, o Options) Report {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	set, findings := parseAll(sources, o.Namespace)
	for _, r := range objectRules {
		findings = append(findings, r(ctx, set)...)
	}
	sortFindings(findings)
	return Report{Files: len(sources), Objects: len(set.objects), Findings: findings}
}

// DefaultNamespace is where objects without a namespace go, as kubectl's default.
const DefaultNamespace = "default"

// objectRules run on the decoded objects, in order.
var objectRules = []func(context.Context, *objectSet) []Finding{
	statefulSetServiceRule,
	serviceSelectorRule,
	targetPortRule,
	podIPRule,
	fixedClusterIPRule,
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Document != b.Document {
			return a.Document < b.Document
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Field < b.Field
	})
}
