package check

import (
	"fmt"
	"strings"

	"github.com/k8squest/k8squest/engine/internal/registry"
)

// Factory builds a check from its parameters, given as JSON. It returns an
// error naming the offending field when the parameters are invalid.
type Factory = registry.Factory[Check]

var checks = registry.New[Check]("check")

// register adds a check type; it is called from init in each check's file.
func register(typ string, f Factory) { checks.Register(typ, f) }

// Build returns the check of type typ with params bound.
func Build(typ string, params []byte) (Check, error) { return checks.Build(typ, params) }

// Types lists the registered check types, sorted.
func Types() []string { return checks.Names() }

// decode strictly unmarshals params into p and validates it.
func decode[P interface{ validate() error }](params []byte, p P) error {
	if err := registry.Decode(params, p); err != nil {
		return err
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
