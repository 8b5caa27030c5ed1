package classroom

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// KeySet is a set of public keys, such as the instructor's.
type KeySet struct {
	keys [][]byte
	// from names where the keys were read, for messages.
	from []string
}

// Contains reports whether k is in the set.
func (s *KeySet) Contains(k gossh.PublicKey) bool {
	if s == nil {
		return false
	}
	m := k.Marshal()
	for _, have := range s.keys {
		if bytes.Equal(have, m) {
			return true
		}
	}
	return false
}

// Len is the number of keys.
func (s *KeySet) Len() int { return len(s.keys) }

// Sources names the files the keys were read from.
func (s *KeySet) Sources() []string { return s.from }

// add adds k unless it is in the set already.
func (s *KeySet) add(k gossh.PublicKey) {
	if !s.Contains(k) {
		s.keys = append(s.keys, k.Marshal())
	}
}

// ReadKeys reads every key of an authorized_keys-format file: one key a
// line, '#' comments and blank lines skipped, options before the key
// allowed. A line that does not parse is an error naming the file and the
// line; a file without a key is one too.
func ReadKeys(path string) (*KeySet, error) {
	s := &KeySet{}
	if err := s.readFile(path); err != nil {
		return nil, err
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("instructor keys %s: the file holds no public key", path)
	}
	return s, nil
}

// readFile adds the keys of one authorized_keys-format file.
func (s *KeySet) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read instructor keys %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return fmt.Errorf("instructor keys %s line %d: %w", path, n, err)
		}
		s.add(k)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read instructor keys %s: %w", path, err)
	}
	s.from = append(s.from, path)
	return nil
}

// DefaultInstructorKeys reads the keys of the user running the server: the
// public halves of their own keys (~/.ssh/id_*.pub) and the keys allowed to
// log in to their account (~/.ssh/authorized_keys). Whoever holds one of
// those can already read the server's state and stop it, so making them
// the instructor grants no new power; the id_*.pub keys are what `ssh`
// offers on the instructor's own machine, and authorized_keys what an
// instructor who reached a shared VM over SSH holds on their laptop. Files
// that are missing are skipped; finding no key at all is an error that
// says what to do.
func DefaultInstructorKeys(home string) (*KeySet, error) {
	dir := filepath.Join(home, ".ssh")
	pubs, _ := filepath.Glob(filepath.Join(dir, "id_*.pub"))
	sort.Strings(pubs)
	s := &KeySet{}
	for _, p := range append(pubs, filepath.Join(dir, "authorized_keys")) {
		if err := s.readFile(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("no instructor key: %s has no id_*.pub and no authorized_keys; create a key with ssh-keygen -t ed25519, or pass --instructor-keys FILE", dir)
	}
	return s, nil
}
