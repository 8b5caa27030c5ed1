package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/k8squest/k8squest/engine/xdg"
)

// FileName is the progress file's name inside the state directory.
const FileName = "progress.json"

// EnvPath names the environment variable that overrides the progress file's path.
const EnvPath = "K8SQUEST_PROGRESS"

// DefaultPath returns $K8SQUEST_PROGRESS, else $XDG_STATE_HOME/k8squest/progress.json.
func DefaultPath() string {
	if p := os.Getenv(EnvPath); p != "" {
		return p
	}
	return filepath.Join(xdg.StateDir(), FileName)
}

// Store reads and writes one progress file. Every read-modify-write holds an
// exclusive file lock, so two running games cannot interleave their writes.
type Store struct {
	path string
	now  func() time.Time
}

// Open returns the store at path; the file is created on the first write.
func Open(path string) *Store { return &Store{path: path, now: time.Now} }

// Path is the progress file's path.
func (s *Store) Path() string { return s.path }

// Load reads the progress. A missing file is an empty state. A file that
// cannot be read as this version's progress is moved aside, never
// overwritten, and the returned notice says where it went.
func (s *Store) Load() (st State, notice string, err error) {
	err = s.locked(func() error {
		st, notice, err = s.read()
		return err
	})
	return st, notice, err
}

// Update applies fn to the current progress and writes the result atomically.
func (s *Store) Update(fn func(*State) error) (st State, notice string, err error) {
	err = s.locked(func() error {
		if st, notice, err = s.read(); err != nil {
			return err
		}
		if err := fn(&st); err != nil {
			return err
		}
		return s.write(st)
	})
	return st, notice, err
}

func (s *Store) locked(fn func() error) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("create progress directory: %w", err)
	}
	l := flock.New(s.path + ".lock")
	if err := l.Lock(); err != nil {
		return fmt.Errorf("lock %s: %w", s.path, err)
	}
	defer func() { _ = l.Unlock() }()
	return fn()
}

func (s *Store) read() (State, string, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return empty(), "", nil
	}
	if err != nil {
		return State{}, "", fmt.Errorf("read progress %s: %w", s.path, err)
	}
	st, perr := parse(data)
	if perr == nil {
		return st, "", nil
	}
	backup := fmt.Sprintf("%s.unreadable-%s", s.path, s.now().UTC().Format("20060102T150405Z"))
	if err := os.Rename(s.path, backup); err != nil {
		return State{}, "", fmt.Errorf("progress %s: %w; and could not set it aside: %w", s.path, perr, err)
	}
	return empty(), fmt.Sprintf("progress file %s: %v; it was kept as %s and a new one started", s.path, perr, backup), nil
}

// parse decodes a progress file and checks its schema version.
func parse(data []byte) (State, error) {
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, fmt.Errorf("not valid progress JSON: %w", err)
	}
	switch {
	case st.Schema > SchemaVersion:
		return State{}, fmt.Errorf("schema %d is newer than this k8squest understands (%d); upgrade k8squest", st.Schema, SchemaVersion)
	case st.Schema < 1:
		return State{}, fmt.Errorf("field schema is missing or invalid (%d)", st.Schema)
	}
	if st.Levels == nil {
		st.Levels = map[int]*Level{}
	}
	migrate(&st)
	for id, l := range st.Levels {
		if l == nil || id <= 0 || l.BestXP < 0 {
			return State{}, fmt.Errorf("field levels.%d is invalid", id)
		}
	}
	return st, nil
}

// migrate brings a state read from an older file up to SchemaVersion.
// Version 1 had no field notes: its levels keep everything and get none.
func migrate(st *State) {
	if st.Schema == 1 {
		st.Schema = 2
	}
}

func empty() State { return State{Schema: SchemaVersion, Levels: map[int]*Level{}} }

// write replaces the file atomically: temp file, fsync, rename, fsync dir.
func (s *Store) write(st State) error {
	st.Schema = SchemaVersion
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	dir := filepath.Dir(s.path)
	s.removeStaleTemps()
	tmp, err := os.CreateTemp(dir, filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write progress: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write progress: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("sync progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write progress: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("replace progress: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// removeStaleTemps deletes temp files a killed game left behind. Writes hold
// the lock, so while it is held no temp file belongs to a live write.
func (s *Store) removeStaleTemps() {
	left, _ := filepath.Glob(s.path + ".tmp-*")
	for _, f := range left {
		_ = os.Remove(f)
	}
}
