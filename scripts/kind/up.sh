#!/usr/bin/env bash
# up.sh (make kind-up): everything the game's kind provider needs on this
# machine, idempotent. Logs go to stderr; stdout is only the environment, as
# export lines:  eval "$(scripts/kind/up.sh)"
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "the kind harness needs root (a private dockerd, netfilter rules, debootstrap)"
mkdir -p "$STATE" "$CACHE"
t0=$(date +%s.%N)
: >"$STATE/timings"
step "Debian packages" "$HERE/packages.sh"
# Record the machine before the first start, for kind-down to restore and check.
if [ ! -d "$STATE/baseline" ]; then
	[ -f "$STATE/docker.pid" ] && kill -0 "$(cat "$STATE/docker.pid")" 2>/dev/null &&
		log "warning: no record of the machine, but the harness's dockerd runs: the record made now includes it"
	"$HERE/check.sh" snapshot "$STATE/baseline.tmp" && mv "$STATE/baseline.tmp" "$STATE/baseline"
	log "recorded the machine's state in $STATE/baseline"
fi
step "private dockerd" "$HERE/dockerd.sh" start
step "netfilter rules" "$HERE/netfilter.sh" apply

# kind's network, made here so the bridge has a known name, no IPv6 and no NAT
# (kind uses an existing network called kind as it is).
ensure_network() {
	docker network inspect kind >/dev/null 2>&1 && return 0
	local gw=${BRIDGE_CIDR%/*}
	docker network create -d bridge --subnet "${gw%.*}.0/${BRIDGE_CIDR#*/}" --gateway "$gw" \
		-o com.docker.network.bridge.name="$BRIDGE" -o com.docker.network.bridge.enable_ip_masquerade=false \
		-o com.docker.network.driver.mtu=1500 kind >/dev/null
}
step "docker network kind ($BRIDGE)" ensure_network
step "node image" "$HERE/nodeimage.sh"
step "busybox with the small nslookup" "$HERE/busybox.sh"
step "stand-in images" "$HERE/standins.sh"
step "NetworkPolicy enforcer image" "$HERE/netpol.sh" build
step "Traefik, the kind suite's Ingress controller" "$HERE/traefik.sh"

CONFIG=$STATE/kind-config.yaml
cat >"$CONFIG" <<'YAML'
# kind config written by the k8squest kind harness (scripts/kind/up.sh).
# This machine runs cgroup v1, which kubelet 1.37 refuses unless told, and
# the node image has no kindnetd: a ptp CNI config is baked in instead.
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
nodes:
- role: control-plane
kubeadmConfigPatches:
- |
  kind: KubeletConfiguration
  failCgroupV1: false
YAML
log "kind config (kubeadm patch for cgroup v1) written to $CONFIG:"
sed 's/^/    /' "$CONFIG" >&2

# Load the stand-ins when the game's cluster exists already.
load_standins() {
	(cd "$REPO" && go run ./scripts/kind/loadimages "$CACHE/standins-r$STANDINS_REV.tar")
}
if (cd "$REPO" && go run ./scripts/kind/loadimages -exists) 2>/dev/null; then
	step "load stand-ins into the kind cluster" load_standins
	step "install the NetworkPolicy enforcer" "$HERE/netpol.sh" install
	step "load Traefik into the kind cluster" "$HERE/traefik.sh" load
else
	log "no kind cluster yet: after \`k8squest cluster up --provider kind\`, run scripts/kind/up.sh again to load the stand-in images and Traefik and install the NetworkPolicy enforcer"
fi
log "kind-up done in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s"
printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
printf 'export K8SQUEST_KIND_IMAGE=%q\n' "$(node_image)"
printf 'export K8SQUEST_KIND_CONFIG=%q\n' "$CONFIG"
