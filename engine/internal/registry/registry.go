// Package registry maps type names from level specs to the constructors of
// checks and drills, and decodes their parameters strictly.
package registry

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Factory builds a T from its parameters, given as JSON or YAML.
type Factory[T any] func(params []byte) (T, error)

// Registry holds the factories of one kind of thing ("check", "drill").
type Registry[T any] struct {
	kind      string
	factories map[string]Factory[T]
}

// New returns an empty registry whose errors call its entries kind.
func New[T any](kind string) *Registry[T] {
	return &Registry[T]{kind: kind, factories: map[string]Factory[T]{}}
}

// Register adds a type. Registering a name twice is a programming error.
func (r *Registry[T]) Register(name string, f Factory[T]) {
	if _, dup := r.factories[name]; dup {
		panic(r.kind + " type registered twice: " + name)
	}
	r.factories[name] = f
}

// Build returns the T of type name with params bound.
func (r *Registry[T]) Build(name string, params []byte) (T, error) {
	f, ok := r.factories[name]
	if !ok {
		var zero T
		return zero, fmt.Errorf("unknown %s type %q (known: %s)", r.kind, name, strings.Join(r.Names(), ", "))
	}
	return f(params)
}

// Names lists the registered types, sorted.
func (r *Registry[T]) Names() []string {
	out := make([]string, 0, len(r.factories))
	for n := range r.factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Decode strictly unmarshals params into p; unknown fields are errors that
// name the field. Empty params decode as {}.
func Decode(params []byte, p any) error {
	if len(params) == 0 {
		params = []byte("{}")
	}
	if err := yaml.UnmarshalStrict(params, p); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	return nil
}
