package classroom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// rosterSchema is the version of the roster file's format.
const rosterSchema = 1

// ErrNameTaken is returned by Bind when the name is bound to another key.
var ErrNameTaken = errors.New("name is bound to another key")

// ErrRosterFull is returned by Bind when the roster holds as many
// learners as its limit.
var ErrRosterFull = errors.New("the workshop is full")

// Roster binds each learner's name to the public key of their first
// session. It is kept in one JSON file, replaced atomically on every
// change, so a crash of the server never loses or corrupts a binding.
type Roster struct {
	path string
	// limit caps the learners, 0 for none.
	limit int
	mu    sync.Mutex
	doc   rosterDoc
}

// rosterDoc is the roster file.
type rosterDoc struct {
	Schema   int                     `json:"schema"`
	Workshop string                  `json:"workshop"`
	Learners map[string]*RosterEntry `json:"learners"`
}

// RosterEntry is one learner's binding.
type RosterEntry struct {
	// Key is the public key in authorized_keys format.
	Key string `json:"key"`
	// Fingerprint is the key's SHA256 fingerprint, for people reading the file.
	Fingerprint string `json:"fingerprint"`
	// Joined is when the name was bound.
	Joined time.Time `json:"joined"`
}

// OpenRoster reads the roster at path, or starts an empty one for workshop
// when there is no file yet. A file that does not parse, or that belongs
// to another workshop, is an error naming the file: starting afresh would
// let anyone take a learner's name.
func OpenRoster(path, workshop string) (*Roster, error) {
	r := &Roster{path: path, doc: rosterDoc{Schema: rosterSchema, Workshop: workshop, Learners: map[string]*RosterEntry{}}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read roster %s: %w", path, err)
	}
	if err := r.decode(data, workshop); err != nil {
		return nil, fmt.Errorf("read roster %s: %w", path, err)
	}
	return r, nil
}

// decode parses data into r, checking the schema and the workshop.
func (r *Roster) decode(data []byte, workshop string) error {
	var doc rosterDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if doc.Schema != rosterSchema {
		return fmt.Errorf("field schema: %d is not %d, the version this server reads", doc.Schema, rosterSchema)
	}
	if doc.Workshop != workshop {
		return fmt.Errorf("field workshop: the roster is workshop %q's, not %q's (use another --state-dir or workshop name)", doc.Workshop, workshop)
	}
	if doc.Learners == nil {
		doc.Learners = map[string]*RosterEntry{}
	}
	for name, e := range doc.Learners {
		if _, _, _, _, err := gossh.ParseAuthorizedKey([]byte(e.Key)); err != nil {
			return fmt.Errorf("field learners.%s.key: %w", name, err)
		}
	}
	r.doc = doc
	return nil
}

// SetLimit caps the number of learners; 0 removes the cap. Names already
// bound stay.
func (r *Roster) SetLimit(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limit = n
}

// Path is the roster file.
func (r *Roster) Path() string { return r.path }

// Bind binds name to key if name is free. It returns nil when key is (now)
// name's key, an error wrapping ErrNameTaken when name is bound to another
// key, and one wrapping ErrRosterFull when a new name would pass the
// limit. A new binding is on disk before Bind returns.
func (r *Roster) Bind(name string, key gossh.PublicKey, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.doc.Learners[name]; ok {
		if keyIs(e.Key, key) {
			return nil
		}
		return fmt.Errorf("bind %q: %w", name, ErrNameTaken)
	}
	if r.limit > 0 && len(r.doc.Learners) >= r.limit {
		return fmt.Errorf("bind %q: %w: %d learners have joined, as many as the cluster holds", name, ErrRosterFull, len(r.doc.Learners))
	}
	r.doc.Learners[name] = &RosterEntry{
		Key:         strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))),
		Fingerprint: gossh.FingerprintSHA256(key),
		Joined:      now.UTC(),
	}
	if err := r.saveLocked(); err != nil {
		delete(r.doc.Learners, name)
		return fmt.Errorf("bind %q: %w", name, err)
	}
	return nil
}

// Check reports whether key may be name's: name is free or bound to key.
// It returns ErrNameTaken otherwise. It does not bind.
func (r *Roster) Check(name string, key gossh.PublicKey) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.doc.Learners[name]; ok && !keyIs(e.Key, key) {
		return fmt.Errorf("log in as %q: %w", name, ErrNameTaken)
	}
	return nil
}

// Has reports whether name is bound.
func (r *Roster) Has(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.doc.Learners[name]
	return ok
}

// Names returns the bound names, sorted.
func (r *Roster) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.doc.Learners))
	for n := range r.doc.Learners {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// saveLocked writes the roster file; r.mu is held.
func (r *Roster) saveLocked() error {
	data, err := json.MarshalIndent(r.doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the roster: %w", err)
	}
	return writeFileAtomic(r.path, append(data, '\n'), 0o600)
}

// keyIs reports whether the authorized_keys line line holds key.
func keyIs(line string, key gossh.PublicKey) bool {
	k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	return err == nil && bytes.Equal(k.Marshal(), key.Marshal())
}
