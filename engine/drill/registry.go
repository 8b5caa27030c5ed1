package drill

import "github.com/k8squest/k8squest/engine/internal/registry"

// Factory builds a drill from its parameters, given as JSON or YAML.
type Factory = registry.Factory[Drill]

var drills = registry.New[Drill]("drill")

func register(typ string, f Factory) { drills.Register(typ, f) }

// Build returns the drill of type typ with params bound.
func Build(typ string, params []byte) (Drill, error) { return drills.Build(typ, params) }

// Types lists the registered drill types, sorted.
func Types() []string { return drills.Names() }

func decode(params []byte, p any) error { return registry.Decode(params, p) }
