package main

import (
	"context"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/drill"
	"github.com/k8squest/k8squest/engine/play"
	"github.com/k8squest/k8squest/levels/game"
)

// doctorReport is the outcome of `k8squest doctor statefulset`, and the
// stable shape of its --format json output.
type doctorReport struct {
	StatefulSet string        `json:"statefulSet"`
	Namespace   string        `json:"namespace"`
	Service     string        `json:"service"`
	Cluster     string        `json:"cluster"`
	Passed      bool          `json:"passed"`
	Error       string        `json:"error,omitempty"`
	Notes       []string      `json:"notes,omitempty"`
	Checks      []doctorCheck `json:"checks"`
	Drill       *doctorDrill  `json:"drill,omitempty"`
}

// doctorCheck is one check's result.
type doctorCheck struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
	// Diagnosis says why; doctor serves real work, so it always shows it.
	Diagnosis string `json:"diagnosis"`
}

// doctorDrill is the drill's outcome; Ran is false when it was skipped or declined.
type doctorDrill struct {
	Ran     bool     `json:"ran"`
	Passed  bool     `json:"passed"`
	Pod     string   `json:"pod"`
	Message string   `json:"message"`
	Steps   []string `json:"steps"`
}

// runChecks runs every check once and records the verdict.
func (r *doctorReport) runChecks(ctx context.Context, s *play.Session, sts *appsv1.StatefulSet) error {
	if sts.Spec.ServiceName == "" {
		r.Checks = append(r.Checks, doctorCheck{ID: "service-name", Title: "StatefulSet names a Service", Status: check.Fail.String(),
			Message:   fmt.Sprintf("StatefulSet %s's pods get no stable DNS names", sts.Name),
			Diagnosis: fmt.Sprintf("StatefulSet %s has no spec.serviceName, so its pods get no stable DNS names; set it to a headless Service's name", sts.Name)})
	}
	v, err := s.CheckOnce(ctx)
	if err != nil {
		return fmt.Errorf("check StatefulSet %s: %w", sts.Name, err)
	}
	if v.Err != nil {
		r.Error = v.Err.Error()
	}
	for _, res := range v.Results {
		r.Checks = append(r.Checks, doctorCheck{ID: res.ID, Title: res.Title, Status: res.Status.String(), Passed: res.Passed(), Message: res.Message, Diagnosis: res.Diagnosis})
	}
	r.Passed = v.Passed && sts.Spec.ServiceName != ""
	return nil
}

// doctorDrill runs the reschedule drill once the checks pass, after asking
// unless --yes. Text output shows each step as it happens.
func (g *globals) doctorDrill(ctx context.Context, d *game.Doctor, o *doctorOptions, r *doctorReport) {
	r.Drill = &doctorDrill{Pod: d.Victim, Steps: []string{}}
	switch {
	case !r.Passed:
		r.Drill.Message = "not run: the drill deletes a pod only once every check passes"
	case !o.yes && !g.confirmDrill(d.Victim, d.StatefulSet.Namespace):
		r.Drill.Message = "not run: not confirmed"
	default:
		g.runDrill(ctx, d.Session, o, r.Drill)
	}
	r.Passed = r.Passed && r.Drill.Passed
}

func (g *globals) runDrill(ctx context.Context, s *play.Session, o *doctorOptions, d *doctorDrill) {
	if o.format == "text" {
		fmt.Fprintf(g.stdout, "Drill: reschedule %s\n", d.Pod)
	}
	res := s.Drill(ctx, func(st drill.Step) {
		d.Steps = append(d.Steps, st.Message)
		if o.format == "text" {
			fmt.Fprintf(g.stdout, "  %s %s\n", st.At.Format("15:04:05"), st.Message)
		}
	})
	d.Ran, d.Passed, d.Message = true, res.Passed, res.Message
}

// finishDoctor prints the report and sets the exit status.
func (g *globals) finishDoctor(r *doctorReport, o *doctorOptions) error {
	if o.format == "json" {
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write the doctor report: %w", err)
		}
	} else {
		g.printDoctor(r)
	}
	if !r.Passed {
		return exitError{code: 1}
	}
	return nil
}

func (g *globals) printDoctor(r *doctorReport) {
	w := g.stdout
	fmt.Fprintf(w, "StatefulSet %s, Service %s, namespace %s (%s)\n", r.StatefulSet, orNone(r.Service), r.Namespace, r.Cluster)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "! %s\n", n)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "! %s\n", r.Error)
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%s %s: %s\n    %s\n", statusMark(c.Status), c.ID, c.Title, c.Message)
		if c.Diagnosis != "" && c.Diagnosis != c.Message {
			fmt.Fprintf(w, "    why: %s\n", c.Diagnosis)
		}
	}
	if d := r.Drill; d != nil {
		fmt.Fprintf(w, "%s drill (reschedule %s): %s\n", drillMark(d), d.Pod, d.Message)
	}
	if r.Passed {
		fmt.Fprintln(w, "\nAll checks pass.")
	} else {
		fmt.Fprintln(w, "\nProblems found.")
	}
}

func statusMark(s string) string {
	for _, st := range []check.Status{check.Pass, check.Fail, check.Unknown} {
		if st.String() == s {
			return mark(st)
		}
	}
	return mark(check.Pending)
}

func drillMark(d *doctorDrill) string {
	switch {
	case d.Passed:
		return mark(check.Pass)
	case d.Ran:
		return mark(check.Fail)
	default:
		return mark(check.Pending)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
