package check

import (
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Factory builds a check from its parameters, given as JSON. It returns an
// error naming the offending field when the parameters are invalid.
type Factory func(params []byte) (Check, error)

var registry = map[string]Factory{}

// register adds a check type; it is called from init in each check's file.
func register(typ string, f Factory) {
	if _, dup := registry[typ]; dup {
		panic("check type registered twice: " + typ)
	}
	registry[typ] = f
}

// Build returns the check of type typ with params bound.
func Build(typ string, params []byte) (Check, error) {
	f, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("unknown check type %q (known: %s)", typ, strings.Join(Types(), ", "))
	}
	return f(params)
}

// Types lists the registered check types, sorted.
func Types() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// decode strictly unmarshals params into p and validates it.
func decode[P interface{ validate() error }](params []byte, p P) error {
	if len(params) == 0 {
		params = []byte("{}")
	}
	if err := yaml.UnmarshalStrict(params, p); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	if err := p.validate(); err != nil {
		return fmt.Errorf("params: %w", err)
	}
	return nil
}

// required returns an error naming field when value is empty.
func required(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%s is required", field)
	}
	return nil
}
