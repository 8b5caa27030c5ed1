package drill

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Factory builds a drill from its parameters, given as JSON or YAML.
type Factory func(params []byte) (Drill, error)

var registry = map[string]Factory{}

func register(typ string, f Factory) { registry[typ] = f }

// Build returns the drill of type typ with params bound.
func Build(typ string, params []byte) (Drill, error) {
	f, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("unknown drill type %q (known: %s)", typ, strings.Join(Types(), ", "))
	}
	return f(params)
}

// Types lists the registered drill types, sorted.
func Types() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func decode(params []byte, p any) error {
	if len(params) == 0 {
		params = []byte("{}")
	}
	if err := yaml.UnmarshalStrict(params, p); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	return nil
}
