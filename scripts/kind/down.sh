#!/usr/bin/env bash
# down.sh (make kind-down): deletes the kind cluster, stops what up.sh
# started (by pid), removes the netfilter table, restores the sysctls and
# paths up.sh found, and checks the machine against the record up.sh made.
# Cached images and binaries stay in $CACHE.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "the kind harness needs root"
BASE=$STATE/baseline

if docker_ok; then
	if (cd "$REPO" && go run ./scripts/kind/loadimages -exists) 2>/dev/null; then
		step "delete the kind cluster" bash -c "cd '$REPO' && go run ./cmd/k8squest cluster down --provider kind"
	fi
	ids=$(docker ps -aq)
	[ -z "$ids" ] || docker rm -f $ids >/dev/null
	docker network rm kind >/dev/null 2>&1 || true
fi
"$HERE/dockerd.sh" stop

# leftovers: pids of the daemons' own programs (containerd, its shims,
# docker-proxy) still running with the harness's state in their arguments.
leftovers() {
	local pid
	for pid in $(pgrep -f -- "$STATE/" || true); do
		case "$(cat /proc/"$pid"/comm 2>/dev/null)" in
		containerd* | dockerd | docker-proxy | runc*) echo "$pid" ;;
		esac
	done
}
for pid in $(leftovers); do
	log "stopping leftover process $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-100)"
	kill -TERM "$pid" 2>/dev/null || true
done
for i in $(seq 1 20); do [ -z "$(leftovers)" ] && break; sleep 0.5; done
for pid in $(leftovers); do kill -KILL "$pid" 2>/dev/null || true; done

# Mounts under the state dir (dockerd's data root, overlays, netns).
for m in $(awk -v d="$STATE/" 'index($2, d) == 1 || $2 == substr(d, 1, length(d)-1) {print $2}' /proc/self/mounts | sort -r); do
	umount "$m" 2>/dev/null || umount -l "$m"
done
ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
"$HERE/netfilter.sh" remove

if [ -d "$BASE" ]; then
	# sysctls as they were (kubelet and dockerd change global ones)
	while IFS='=' read -r k v; do
		[ "$v" = absent ] && continue
		cur=$(sysctl -n "$k" 2>/dev/null || echo absent)
		if [ "$cur" != "$v" ]; then
			log "restoring $k: $cur -> $v"
			sysctl -qw "$k=$v"
		fi
	done <"$BASE/sysctl"
	# paths dockerd and containerd create outside the state dir
	for p in /run/docker /run/containerd /var/lib/docker /var/lib/containerd /etc/docker/key.json; do
		if [ -e "$p" ] && ! grep -qx "$p" "$BASE/paths"; then
			log "removing $p (created by the harness's daemons)"
			rm -rf "$p"
		fi
	done
fi
# the private dockerd's cgroup parent
for c in $(find /sys/fs/cgroup -depth -type d -path '*/k8squest-kind*' 2>/dev/null); do rmdir "$c" 2>/dev/null || true; done

if [ -d "$BASE" ]; then
	rm -rf "$STATE/after"
	"$HERE/check.sh" snapshot "$STATE/after"
	if "$HERE/check.sh" compare "$BASE" "$STATE/after"; then
		rm -rf "$BASE"
	else
		log "the machine differs from the record (kept in $BASE; diffs in $STATE/after/*.diff)"
		exit 1
	fi
fi
