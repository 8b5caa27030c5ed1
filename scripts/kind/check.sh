#!/usr/bin/env bash
# check.sh snapshot DIR | compare DIR1 DIR2: records what the harness may
# change on the machine (sysctls, mounts, links, routes, nft and iptables
# rulesets, listeners, cgroups and paths) and compares two records.
. "$(dirname "$0")/lib.sh"

SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory net.ipv4.ip_forward
	net.ipv6.conf.all.forwarding net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
	net.bridge.bridge-nf-call-ip6tables net.netfilter.nf_conntrack_max kernel.keys.root_maxkeys
	kernel.keys.root_maxbytes fs.inotify.max_user_instances fs.inotify.max_user_watches)
PATHS=(/etc/docker /etc/docker/key.json /var/lib/docker /run/docker /run/containerd /var/lib/containerd /var/lib/kubelet
	/var/lib/cni /run/netns /etc/cni /opt/cni /var/run/docker.sock /etc/kubernetes)

# listeners: protocol, address and program of every listening socket of a
# program the harness runs (Docker's and containerd's, and anything from its
# cache or state). Other users' programs (the shared sim, test binaries) come
# and go at any time, so they are left out.
listeners() {
	local proto addr users pid exe
	ss -Hltnup 2>/dev/null | awk '{print $1, $5, $7}' | while read -r proto addr users; do
		pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$users")
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null || echo "?")
		case "$exe" in
		*/dockerd | */docker-proxy | */containerd* | */runc | "$STATE"/* | "$CACHE"/*) echo "$proto $addr $exe" ;;
		esac
	done | sort -u
}

snapshot() {
	local d=$1 s
	mkdir -p "$d"
	for s in "${SYSCTLS[@]}"; do printf '%s=%s\n' "$s" "$(sysctl -n "$s" 2>/dev/null || echo absent)"; done >"$d/sysctl"
	awk '{print $2, $3}' /proc/self/mounts | sort >"$d/mounts"
	ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort >"$d/links"
	{ ip route show table all; ip -6 route show table all; } 2>/dev/null | sort >"$d/routes"
	nft list ruleset 2>/dev/null | grep -v '^\s*#' >"$d/nft" || true
	{ iptables-save; ip6tables-save; } 2>/dev/null | grep -v '^[#:]' | sed 's/\[[0-9:]*\]//' >"$d/iptables" || true
	listeners >"$d/listeners"
	find /sys/fs/cgroup -maxdepth 2 -type d \( -name 'k8squest-kind' -o -name docker -o -name kubepods -o -name 'kubelet*' \) 2>/dev/null | sort >"$d/cgroups"
	for s in "${PATHS[@]}"; do [ -e "$s" ] && echo "$s"; done >"$d/paths" || true
	printf '%s\n' "${SYSCTLS[@]}" >/dev/null
}

compare() {
	local a=$1 b=$2 f bad=0
	for f in sysctl mounts links routes nft iptables listeners cgroups paths; do
		if ! diff -u "$a/$f" "$b/$f" >"$b/$f.diff" 2>&1; then
			log "$f differ:"
			sed -n '3,$p' "$b/$f.diff" | grep '^[-+]' >&2 || true
			bad=1
		else
			rm -f "$b/$f.diff"
		fi
	done
	[ $bad -eq 0 ] && log "machine state matches the record in $a"
	return $bad
}

case "${1:-}" in
snapshot) snapshot "${2:?dir}" ;;
compare) compare "${2:?dir}" "${3:?dir}" ;;
*) die "usage: $0 snapshot DIR | compare DIR1 DIR2" ;;
esac
