# shellcheck shell=bash
# lib.sh: settings and helpers shared by the kind harness scripts. Source it.
set -euo pipefail

KIND_VERSION=v0.33.0
KUBE_VERSION=v1.37.2
STAGING_VERSION=v0.37.2
ETCD_VERSION=3.6.16      # built by the sim; tagged as kubeadm's etcd below
COREDNS_VERSION=v1.14.7  # built by the sim; tagged as kubeadm's CoreDNS below
KUBEADM_ETCD_TAG=3.7.0-0
KUBEADM_COREDNS_TAG=v1.14.6
PAUSE_TAG=3.10.2
DEBIAN_SUITE=bookworm
# HARNESS_REV changes whenever the node image's recipe changes, so the cache
# key moves with it.
HARNESS_REV=2
# BUSYBOX_REV and STANDINS_REV do the same for the busybox build
# (busybox.sh) and the stand-in images (standins.sh).
BUSYBOX_REV=2
STANDINS_REV=4

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STATE=${K8SQUEST_KIND_HARNESS_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/k8squest/kind-harness}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/k8squest/kind
SIMBIN=${XDG_CACHE_HOME:-$HOME/.cache}/k8squest/bin
export DOCKER_HOST="unix://$STATE/docker.sock"
# the harness's own clients must never reach another daemon's contexts
export DOCKER_CONFIG="$STATE/docker-config"

# The bridge of the private daemon and the ranges pods and services use.
BRIDGE=k8sqkind0
BRIDGE_CIDR=172.29.0.1/24
POD_CIDR=10.244.0.0/16
SVC_CIDR=10.96.0.0/16

log() { printf 'kind-harness: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# step NAME CMD...: runs CMD, logging NAME and its wall time to stderr and
# to $STATE/timings.
step() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	log "$name ..."
	"$@"
	t1=$(date +%s.%N)
	printf '%s\t%.1f s\n' "$name" "$(echo "$t1 - $t0" | bc)" | tee -a "$STATE/timings" >&2
}

# imagekey prints the node image's cache key (the versions it is made of).
imagekey() {
	local ctr
	ctr=$(dpkg-query -W -f='${Version}' containerd 2>/dev/null || echo none)
	printf 'kind%s-k8s%s-containerd%s-etcd%s-coredns%s-%s-r%s' "$KIND_VERSION" "$KUBE_VERSION" \
		"${ctr%%~*}" "$ETCD_VERSION" "$COREDNS_VERSION" "$DEBIAN_SUITE" "$HARNESS_REV" | tr -c 'A-Za-z0-9_.\n-' '_'
}

# The node image reference: kind's own repository name, tagged by the key.
node_image() { printf 'k8squest.local/kind-node:%s' "$(imagekey)"; }

docker_ok() { docker version >/dev/null 2>&1; }
