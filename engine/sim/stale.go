package sim

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

// restartAdvice tells how to get this k8squest's configuration into a sim
// that an older one started.
const restartAdvice = "run `k8squest cluster down --provider sim` and `cluster up` again to use this version's"

// staleConfig says which configuration of a running sim differs from what
// this k8squest would start it with (a sim outlives upgrades of the game),
// or "" when they agree. Processes read their files and flags only when
// they start, so a changed Corefile (its cache rules decide how soon a fix
// shows in DNS) or flag (the controller-manager's client rate decides how
// soon a class's EndpointSlices are written) takes effect only after a
// restart.
func staleConfig(l layout, st *State) string {
	data, err := os.ReadFile(l.corefile())
	if err != nil {
		return fmt.Sprintf("its CoreDNS configuration could not be read (%v); %s", err, restartAdvice)
	}
	if string(data) != corefile(st.Ports.DNS, l.kubeconfig()) {
		return fmt.Sprintf("its CoreDNS configuration (%s) was written by an older k8squest; %s", l.corefile(), restartAdvice)
	}
	if old := staleArgs(l, st); len(old) > 0 {
		return fmt.Sprintf("its %s started with an older k8squest's flags; %s", strings.Join(old, ", "), restartAdvice)
	}
	return ""
}

// staleArgs names, sorted, the processes whose recorded arguments differ
// from the ones this build starts them with. A state from before the
// arguments were recorded names none.
func staleArgs(l layout, st *State) []string {
	var old []string
	for _, name := range slices.Sorted(maps.Keys(st.Args)) {
		if want, ok := buildArgs(l, st.Ports, name); ok && !slices.Equal(st.Args[name], want) {
			old = append(old, name)
		}
	}
	return old
}
