#!/usr/bin/env bash
# egress-test.sh: proves that no packet from a harness container, or from a
# pod of the game's kind cluster, leaves the machine. Each tries a TCP connect
# to 203.0.113.1 (TEST-NET-3, which nobody owns; on these machines 192.0.2.1
# is the real default gateway, so TEST-NET-1 is not used) and must fail,
# while the nft drop counter grows. A container must still reach the host's
# bridge address, so the test cannot pass with networking simply broken.
. "$(dirname "$0")/lib.sh"

TARGET=203.0.113.1
KUBECONFIG_GAME=${XDG_STATE_HOME:-$HOME/.local/state}/k8squest/kind/kubeconfig
fail() { log "FAIL: $*"; exit 1; }
dropped() { "$HERE/netfilter.sh" counters | awk '{print $2}'; }
docker_ok || fail "the private dockerd is not running (make kind-up)"

before=$(dropped)
out=$(docker run --rm --pull=never --network kind busybox:1.36 sh -c \
	"ping -c 1 -W 2 ${BRIDGE_CIDR%/*} >/dev/null && echo bridge-ok; nc -w 3 $TARGET 80 </dev/null && echo egress-open || echo egress-blocked" 2>&1) || true
after=$(dropped)
echo "$out" | grep -q bridge-ok || fail "container could not reach the bridge address ${BRIDGE_CIDR%/*}: $out"
echo "$out" | grep -q egress-blocked || fail "container reached $TARGET: $out"
[ "$after" -gt "$before" ] || fail "container: drop counter did not grow ($before -> $after)"
log "ok: container to $TARGET blocked; egress_dropped $before -> $after"

if (cd "$REPO" && go run ./scripts/kind/loadimages -exists) 2>/dev/null; then
	# a cluster just made has no default service account for a few seconds
	for i in $(seq 1 60); do
		kubectl --kubeconfig "$KUBECONFIG_GAME" get serviceaccount default >/dev/null 2>&1 && break
		sleep 1
	done
	before=$(dropped)
	out=$(kubectl --kubeconfig "$KUBECONFIG_GAME" run egress-test-$$ --image=busybox:1.36 --restart=Never --rm -i \
		--pod-running-timeout=60s -- sh -c "nc -w 3 $TARGET 80 </dev/null && echo egress-open || echo egress-blocked" 2>&1) || true
	after=$(dropped)
	echo "$out" | grep -q egress-blocked || fail "pod reached $TARGET (or did not run): $out"
	[ "$after" -gt "$before" ] || fail "pod: drop counter did not grow ($before -> $after)"
	log "ok: pod to $TARGET blocked; egress_dropped $before -> $after"
else
	log "no kind cluster: pod egress not tested (create it with k8squest cluster up --provider kind)"
fi
[ "$(sysctl -n net.ipv4.ip_forward)" = "$(sed -n 's/^net.ipv4.ip_forward=//p' "$STATE/baseline/sysctl" 2>/dev/null || sysctl -n net.ipv4.ip_forward)" ] ||
	fail "the host's net.ipv4.ip_forward changed"
log "egress test passed"
