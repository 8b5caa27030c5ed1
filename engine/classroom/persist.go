package classroom

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/k8squest/k8squest/engine/progress"
)

// rosterSchema is the version of the roster file.
const rosterSchema = 1

// roster is the file a hub keeps at Options.StatePath.
type roster struct {
	Schema   int      `json:"schema"`
	Workshop string   `json:"workshop"`
	Message  *Message `json:"message,omitempty"`
	Rows     []Row    `json:"learners"`
}

// saveRetry is how long a failed save waits before it is tried again.
const saveRetry = time.Second

// save writes s to the state path when one is set and s is newer than the
// last save; a failure is tried again after saveRetry. Only the delivery
// loop calls it.
func (h *Hub) save(s Snapshot) {
	if h.opts.StatePath == "" || s.Seq == h.saved {
		return
	}
	if err := writeRoster(h.opts.StatePath, s); err != nil {
		if h.opts.OnSaveError != nil {
			h.opts.OnSaveError(err)
		}
		time.AfterFunc(saveRetry, h.poke)
		return
	}
	h.saved = s.Seq
}

// writeRoster replaces the file atomically: temp file, fsync, rename. The
// hub is the file's only writer, so any temp file left is a killed
// server's, and goes.
func writeRoster(path string, s Snapshot) error {
	left, _ := filepath.Glob(path + ".tmp-*")
	for _, f := range left {
		_ = os.Remove(f)
	}
	data, err := json.MarshalIndent(roster{Schema: rosterSchema, Workshop: s.Workshop, Message: s.Message, Rows: s.Rows}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode classroom roster: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write classroom roster: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write classroom roster %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("sync classroom roster %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write classroom roster %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace classroom roster %s: %w", path, err)
	}
	return nil
}

// LoadRoster reads the roster a hub saved at path: every learner's row, all
// disconnected, and the latest broadcast. A missing file is an empty roster.
func LoadRoster(path string) ([]Row, *Message, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read classroom roster: %w", err)
	}
	var r roster
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, nil, fmt.Errorf("classroom roster %s: %w", path, err)
	}
	if r.Schema != rosterSchema {
		return nil, nil, fmt.Errorf("classroom roster %s: field schema is %d, this build reads %d", path, r.Schema, rosterSchema)
	}
	for i := range r.Rows {
		r.Rows[i].Sessions, r.Rows[i].Connected = 0, false
	}
	return r.Rows, r.Message, nil
}

// Seed puts rows (from LoadRoster) and the latest broadcast back into the
// hub, replacing rows of the same names; their sessions start at zero.
func (h *Hub) Seed(rows []Row, msg *Message) {
	h.mu.Lock()
	for _, r := range rows {
		if r.Name == "" {
			continue
		}
		r.Sessions, r.Connected = 0, false
		r.Checks = append([]Check(nil), r.Checks...)
		h.rows[r.Name] = r
	}
	if msg != nil {
		m := *msg
		h.message = &m
	}
	h.seq++
	h.mu.Unlock()
	h.poke()
}

// SeedProgress brings a learner's row in line with their progress file,
// which is the authority on XP and completions: it sets both totals, and
// when the row has no level yet, the level played last and its last play
// as the latest activity.
func (h *Hub) SeedProgress(name string, st progress.State) {
	if name == "" {
		return
	}
	h.mu.Lock()
	r, ok := h.rows[name]
	if !ok {
		r = Row{Name: name}
	}
	h.rows[name] = r.withProgress(st)
	h.seq++
	h.mu.Unlock()
	h.poke()
}

func (r Row) withProgress(st progress.State) Row {
	r.XP, r.Completions = st.TotalXP(), 0
	last := 0
	for id, l := range st.Levels {
		r.Completions += l.Completions
		if last == 0 || later(l.LastPlayed, id, st.Levels[last].LastPlayed, last) {
			last = id
		}
	}
	if r.Level == 0 && last != 0 {
		r.Level = last
		if st.Levels[last].Completed {
			r.Finished = st.Levels[last].LastPlayed
		}
	}
	if last != 0 && st.Levels[last].LastPlayed.After(r.LastActivity) {
		r.LastActivity = st.Levels[last].LastPlayed
	}
	return r
}

// later orders plays by time, then by level number, so ties are stable.
func later(a time.Time, aID int, b time.Time, bID int) bool {
	return a.After(b) || (a.Equal(b) && aID > bID)
}
