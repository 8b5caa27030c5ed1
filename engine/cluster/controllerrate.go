package cluster

// ControllerRate is the request rate kube-controller-manager's API clients
// need for a class of learners who fix their levels at the same moment.
// Each controller writes through a client limited, by default, to 20
// requests a second after a burst of 30 (kubeadm keeps that default), so a
// class whose 50 Services are recreated at once got the last of their
// EndpointSlices 1.6 s later (BenchmarkClassroomOnSim, p95), and no check
// of the cluster DNS can pass before its slice exists. Four requests a
// second per learner, after a burst of six, gave the same class its slices
// within 0.46 s (p95) on this 2-core machine. Five learners or fewer
// keep the default.
func ControllerRate(learners int) (qps, burst int) {
	return max(20, 4*learners), max(30, 6*learners)
}
