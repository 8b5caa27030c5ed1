package classroom

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Columns are the export's columns, in their order in CSV and JSON.
var Columns = []string{
	"name", "connected", "level", "passing", "total", "time_on_level_s",
	"hints", "solution", "xp", "completions", "last_activity",
}

// Record is one learner in an export; its JSON fields follow Columns.
type Record struct {
	Name         string `json:"name"`
	Connected    bool   `json:"connected"`
	Level        int    `json:"level"`
	Passing      int    `json:"passing"`
	Total        int    `json:"total"`
	TimeOnLevelS int    `json:"time_on_level_s"`
	Hints        int    `json:"hints"`
	Solution     bool   `json:"solution"`
	XP           int    `json:"xp"`
	Completions  int    `json:"completions"`
	LastActivity string `json:"last_activity"`
}

// Records turns a snapshot into export records, in the snapshot's order.
// Times are RFC 3339 in UTC; a learner with no activity has "".
func Records(s Snapshot) []Record {
	out := make([]Record, len(s.Rows))
	for i, r := range s.Rows {
		out[i] = Record{
			Name: r.Name, Connected: r.Connected, Level: r.Level,
			Passing: r.Passing, Total: r.Total,
			TimeOnLevelS: int(r.TimeOnLevel(s.At) / time.Second),
			Hints:        r.Hints, Solution: r.Solution,
			XP: r.XP, Completions: r.Completions,
			LastActivity: stamp(r.LastActivity),
		}
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// fields is r in Columns' order, as text.
func (r Record) fields() []string {
	return []string{
		r.Name, strconv.FormatBool(r.Connected), strconv.Itoa(r.Level),
		strconv.Itoa(r.Passing), strconv.Itoa(r.Total), strconv.Itoa(r.TimeOnLevelS),
		strconv.Itoa(r.Hints), strconv.FormatBool(r.Solution),
		strconv.Itoa(r.XP), strconv.Itoa(r.Completions), r.LastActivity,
	}
}

// WriteCSV writes s as RFC 4180 CSV: a header of Columns, one line per
// learner, CRLF line ends, fields quoted when they hold a comma, a quote or
// a line break.
func WriteCSV(w io.Writer, s Snapshot) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	for _, r := range Records(s) {
		if err := cw.Write(r.fields()); err != nil {
			return fmt.Errorf("export csv, learner %q: %w", r.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}

// exportJSON is the JSON export's document.
type exportJSON struct {
	Workshop string   `json:"workshop"`
	At       string   `json:"at"`
	Columns  []string `json:"columns"`
	Learners []Record `json:"learners"`
}

// WriteJSON writes s as one JSON document: the workshop, when, the columns
// and a record per learner.
func WriteJSON(w io.Writer, s Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	doc := exportJSON{Workshop: s.Workshop, At: stamp(s.At), Columns: Columns, Learners: Records(s)}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export json: %w", err)
	}
	return nil
}

// Export writes s in format "csv" or "json".
func Export(w io.Writer, s Snapshot, format string) error {
	switch format {
	case "csv":
		return WriteCSV(w, s)
	case "json":
		return WriteJSON(w, s)
	default:
		return fmt.Errorf("export: --format %q: want csv or json", format)
	}
}

// statusJSON is `status --json`'s document: the export's records with each
// learner's checks, and the workshop's state.
type statusJSON struct {
	Workshop string         `json:"workshop"`
	At       string         `json:"at"`
	Ended    bool           `json:"ended"`
	Message  *Message       `json:"message,omitempty"`
	Learners []statusRecord `json:"learners"`
}

// statusRecord is a Record with the learner's checks.
type statusRecord struct {
	Record
	Checks []Check `json:"checks"`
}

// WriteStatus writes s for `status --json`: the workshop, whether it ended,
// the latest broadcast, and each learner's export record with their checks.
func WriteStatus(w io.Writer, s Snapshot) error {
	doc := statusJSON{Workshop: s.Workshop, At: stamp(s.At), Ended: s.Ended, Message: s.Message, Learners: []statusRecord{}}
	for i, r := range Records(s) {
		cs := s.Rows[i].Checks
		if cs == nil {
			cs = []Check{}
		}
		doc.Learners = append(doc.Learners, statusRecord{Record: r, Checks: cs})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("status json: %w", err)
	}
	return nil
}
