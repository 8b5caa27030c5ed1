package classroom

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteTable writes s for a person (`status` without --json): the
// workshop, then one aligned line per learner with what the board shows.
func WriteTable(w io.Writer, s Snapshot) error {
	ended := ""
	if s.Ended {
		ended = " (ended)"
	}
	if _, err := fmt.Fprintf(w, "workshop %s%s, %d learners, at %s\n", s.Workshop, ended, len(s.Rows), stamp(s.At)); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if s.Message != nil {
		fmt.Fprintf(w, "broadcast at %s: %s\n", stamp(s.Message.At), s.Message.Text)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCONNECTED\tLEVEL\tCHECKS\tON LEVEL\tHINTS\tSOLUTION\tXP\tDONE\tLAST ACTIVITY")
	for _, r := range s.Rows {
		level, checks, on := "-", "-", "-"
		if r.Level > 0 {
			level = fmt.Sprint(r.Level)
			checks = fmt.Sprintf("%d/%d", r.Passing, r.Total)
			on = r.TimeOnLevel(s.At).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%d\t%d\t%s\n", r.Name, yes(r.Connected), level, checks, on,
			r.Hints, yes(r.Solution), r.XP, r.Completions, orDash(stamp(r.LastActivity)))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	return nil
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
