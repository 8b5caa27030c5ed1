package sim

import (
	"strconv"

	"github.com/k8squest/k8squest/engine/cluster"
)

// Cluster-wide network settings of the sim cluster.
const (
	ServiceCIDR = "10.96.0.0/16"
	PodCIDR     = "10.244.0.0/16"
	NodeName    = "k8squest-sim-node"
	// ClusterName is the human name of the sim cluster.
	ClusterName = "k8squest-sim"
)

func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

func etcdArgs(l layout, p Ports) []string {
	client := "http://" + loopback(p.Etcd)
	peer := "http://" + loopback(p.EtcdPeer)
	return []string{
		"--name=k8squest-sim",
		"--data-dir=" + l.etcdData(),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=k8squest-sim=" + peer,
		"--quota-backend-bytes=2147483648",
		"--log-level=warn",
	}
}

func apiserverArgs(l layout, p Ports) []string {
	k := l.pki()
	return []string{
		"--etcd-servers=http://" + loopback(p.Etcd),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.API),
		"--cert-dir=" + l.certs(),
		"--tls-cert-file=" + k.serverCert(),
		"--tls-private-key-file=" + k.serverKey(),
		"--client-ca-file=" + k.caCert(),
		"--service-account-key-file=" + k.saPub(),
		"--service-account-signing-key-file=" + k.saKey(),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--token-auth-file=" + l.token(),
		"--authorization-mode=Node,RBAC",
		"--endpoint-reconciler-type=none",
		"--allow-privileged=true",
		// Refuse Services with externalIPs cluster-wide (CVE-2020-8554).
		"--enable-admission-plugins=DenyServiceExternalIPs",
		"--kubelet-preferred-address-types=InternalIP,Hostname",
	}
}

// ClassSize is the class a sim is sized for: its node's pods (NodePods)
// and its controller-manager's API client rate (cluster.ControllerRate),
// so that a whole class fixing level 30 at once sees its EndpointSlices
// within half a second instead of queueing behind the default 20 writes a
// second.
const ClassSize = 50

func controllerArgs(l layout, p Ports) []string {
	kc := l.kubeconfig()
	qps, burst := cluster.ControllerRate(ClassSize)
	return []string{
		"--kubeconfig=" + kc,
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--leader-elect=false",
		"--controllers=*,-nodeipam",
		"--root-ca-file=" + l.pki().caCert(),
		"--service-account-private-key-file=" + l.pki().saKey(),
		"--service-cluster-ip-range=" + ServiceCIDR,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.Controller),
		"--cert-dir=" + l.certs(),
		"--kube-api-qps=" + strconv.Itoa(qps),
		"--kube-api-burst=" + strconv.Itoa(burst),
	}
}

func schedulerArgs(l layout, p Ports) []string {
	kc := l.kubeconfig()
	return []string{
		"--kubeconfig=" + kc,
		"--authentication-kubeconfig=" + kc,
		"--authorization-kubeconfig=" + kc,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(p.Scheduler),
		"--cert-dir=" + l.certs(),
	}
}

func kwokArgs(l layout, p Ports) []string {
	return []string{
		"--kubeconfig=" + l.kubeconfig(),
		"--config=" + l.stages(),
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--cidr=" + PodCIDR,
		"--node-ip=127.0.0.1",
		"--node-lease-duration-seconds=40",
		"--server-address=" + loopback(p.Kwok),
	}
}

// buildArgs returns the arguments this build starts process name with for
// ports p; false for a name it does not start.
func buildArgs(l layout, p Ports, name string) ([]string, bool) {
	switch name {
	case ProcEtcd:
		return etcdArgs(l, p), true
	case ProcAPIServer:
		return apiserverArgs(l, p), true
	case ProcController:
		return controllerArgs(l, p), true
	case ProcScheduler:
		return schedulerArgs(l, p), true
	case ProcKwok:
		return kwokArgs(l, p), true
	case ProcCoreDNS:
		return corednsArgs(l), true
	}
	return nil, false
}

func corednsArgs(l layout) []string {
	return []string{"-conf", l.corefile()}
}
