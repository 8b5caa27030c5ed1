package levels

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// SpecFile is the name of a level's spec inside its folder.
const SpecFile = "level.yaml"

// Error is a problem with one level's data; it names the file and the field.
type Error struct {
	File  string
	Field string
	Err   error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.File, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// LoadAll loads every folder holding a level.yaml anywhere in fsys and
// returns the levels sorted by number. Every error found is returned, joined.
func LoadAll(fsys fs.FS) ([]*Level, error) {
	var dirs []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == SpecFile {
			dirs = append(dirs, path.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find levels: %w", err)
	}
	var out []*Level
	var errs []error
	seen := map[int]string{}
	for _, dir := range dirs {
		l, err := Load(fsys, dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := seen[l.ID]; dup {
			errs = append(errs, &Error{File: path.Join(dir, SpecFile), Field: "id", Err: fmt.Errorf("level %d is also defined in %s", l.ID, prev)})
			continue
		}
		seen[l.ID] = dir
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, errors.Join(errs...)
}

// Load reads and validates the level in folder dir of fsys.
func Load(fsys fs.FS, dir string) (*Level, error) {
	file := path.Join(dir, SpecFile)
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	var s fileSpec
	if err := yaml.UnmarshalStrict(raw, &s); err != nil {
		return nil, &Error{File: file, Err: fmt.Errorf("invalid level spec: %w", err)}
	}
	b := &builder{fsys: fsys, dir: dir, file: file, spec: &s}
	return b.build()
}

// builder turns a fileSpec into a Level, checking each field.
type builder struct {
	fsys fs.FS
	dir  string
	file string
	spec *fileSpec
}

func (b *builder) errf(field, format string, a ...any) error {
	return &Error{File: b.file, Field: field, Err: fmt.Errorf(format, a...)}
}

func (b *builder) build() (*Level, error) {
	s := b.spec
	l := &Level{ID: s.ID, World: s.World, Title: s.Title, Concept: s.Concept, Difficulty: s.Difficulty, XP: s.XP, Dir: b.dir, Namespace: s.Namespace, ExtraNamespaces: s.ExtraNamespaces}
	if l.Namespace == "" {
		l.Namespace = DefaultNamespace
	}
	l.home = l.Namespace
	steps := []func(*Level) error{b.header, b.isolation, b.texts, b.hints, b.solution, b.checks, b.spoilers, b.reveals, b.drill, b.access, b.manifests, b.textPorts}
	for _, step := range steps {
		if err := step(l); err != nil {
			return nil, err
		}
	}
	l.raw = l.rawTexts()
	l.NodePort = l.defaultNodePort
	return l.expanded(), nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func (b *builder) header(l *Level) error {
	switch {
	case l.ID <= 0:
		return b.errf("id", "must be a positive level number, got %d", l.ID)
	case l.World <= 0:
		return b.errf("world", "must be a positive world number, got %d", l.World)
	case strings.TrimSpace(l.Title) == "":
		return b.errf("title", "is required")
	case l.XP <= 0:
		return b.errf("xp", "must be positive, got %d", l.XP)
	}
	if err := ValidNamespace(l.Namespace); err != nil {
		return b.errf("namespace", "%v", err)
	}
	for role, suffix := range l.ExtraNamespaces {
		if !dnsLabel.MatchString(role) || !strings.HasPrefix(suffix, "-") || !dnsLabel.MatchString(strings.TrimPrefix(suffix, "-")) {
			return b.errf("extraNamespaces."+role, "must map a lower-case role to a suffix such as \"-backend\", got %q", suffix)
		}
	}
	switch l.Difficulty {
	case "beginner", "intermediate", "advanced":
	default:
		return b.errf("difficulty", "must be beginner, intermediate or advanced, got %q", l.Difficulty)
	}
	return nil
}

// ValidNamespace says whether ns can name a namespace, leaving room for the
// suffixes of extra namespaces.
func ValidNamespace(ns string) error {
	if len(ns) > 50 || !dnsLabel.MatchString(ns) {
		return fmt.Errorf("%q is not a valid namespace name (lower-case letters, digits and '-', at most 50 characters)", ns)
	}
	return nil
}

func (b *builder) read(field, name, fallback string) (string, error) {
	if name == "" {
		name = fallback
	}
	if name == "" || strings.Contains(name, "..") || path.IsAbs(name) {
		return "", b.errf(field, "must name a file inside the level folder, got %q", name)
	}
	data, err := fs.ReadFile(b.fsys, path.Join(b.dir, name))
	if err != nil {
		return "", b.errf(field, "read %s: %v", name, err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", b.errf(field, "%s is empty", name)
	}
	return string(data), nil
}
