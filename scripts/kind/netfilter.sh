#!/usr/bin/env bash
# netfilter.sh apply|remove|counters: the nft table that keeps every packet
# from the harness's containers and pods on this machine. Packets that come
# in on the kind bridge may go to the bridge's own subnet (the nodes and the
# host's bridge address) and to the pod and service ranges; everything else
# is counted and dropped before routing, so it is never forwarded. The
# private dockerd also runs with ip-forward off and no NAT.
. "$(dirname "$0")/lib.sh"

TABLE=k8squest_kind
SUBNET=${BRIDGE_CIDR%.*}.0/${BRIDGE_CIDR#*/}

apply() {
	nft list table inet "$TABLE" >/dev/null 2>&1 && return 0
	log "adding nft table inet $TABLE (no egress from $BRIDGE)"
	nft -f - <<NFT
table inet $TABLE {
	counter egress_dropped {}
	counter forward_dropped {}
	chain pre_routing {
		type filter hook prerouting priority -300; policy accept;
		iifname "$BRIDGE" ip daddr { $SUBNET, $POD_CIDR, $SVC_CIDR } accept
		iifname "$BRIDGE" counter name egress_dropped drop
	}
	chain forward_out {
		type filter hook forward priority -300; policy accept;
		iifname "$BRIDGE" oifname != "$BRIDGE" counter name forward_dropped drop
		oifname "$BRIDGE" iifname != "$BRIDGE" counter name forward_dropped drop
	}
}
NFT
}

remove() {
	nft list table inet "$TABLE" >/dev/null 2>&1 || return 0
	log "removing nft table inet $TABLE"
	nft delete table inet "$TABLE"
}

# counters prints "egress_dropped PACKETS forward_dropped PACKETS".
counters() {
	local c
	for c in egress_dropped forward_dropped; do
		printf '%s %s ' "$c" "$(nft list counter inet "$TABLE" "$c" | awk '/packets/ {print $2}')"
	done
	echo
}

case "${1:-}" in
apply) apply ;;
remove) remove ;;
counters) counters ;;
*) die "usage: $0 apply|remove|counters" ;;
esac
