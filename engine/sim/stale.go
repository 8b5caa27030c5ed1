package sim

import (
	"fmt"
	"os"
	"slices"
)

// restartAdvice tells how to get this k8squest's configuration into a sim
// that an older one started.
const restartAdvice = "run `k8squest cluster down --provider sim` and `cluster up` again to use this version's"

// staleConfig says which configuration of a running sim differs from what
// this k8squest would start it with (a sim outlives upgrades of the game),
// or "" when they agree. Processes read their files and flags only when
// they start, so a changed Corefile (its cache rules decide how soon a fix
// shows in DNS) or controller-manager flag (its client rate decides how
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
	if args, ok := st.Args[ProcController]; ok && !slices.Equal(args, controllerArgs(l, st.Ports)) {
		return fmt.Sprintf("its %s was started with an older k8squest's flags; %s", ProcController, restartAdvice)
	}
	return ""
}
