#!/usr/bin/env bash
# dockerd.sh start|stop: the harness's private Docker daemon. It has its own
# data root, exec root, socket, pidfile, containerd (started by dockerd, with
# its own namespaces) and cgroup parent, adds no iptables rules and never
# turns on IP forwarding. Where the capability bounding set lacks
# CAP_SYS_RESOURCE (bit 24), its default runtime is runcshim.
. "$(dirname "$0")/lib.sh"

PIDFILE=$STATE/docker.pid
SOCK=$STATE/docker.sock

# needs_shim: true when CAP_SYS_RESOURCE (bit 24) is missing from CapBnd.
needs_shim() {
	local bnd
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	(( (0x$bnd >> 24 & 1) == 0 ))
}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
	mkdir -p "$STATE" "$DOCKER_CONFIG"
	if running && docker_ok; then
		return 0
	fi
	local runtime=""
	if needs_shim; then
		log "CapBnd lacks CAP_SYS_RESOURCE: using runcshim as dockerd's default runtime"
		mkdir -p "$STATE/bin"
		(cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.realRunc=$(command -v runc)" \
			-o "$STATE/bin/runcshim" ./scripts/kind/runcshim) || die "build runcshim"
		runtime=$(printf ',\n  "runtimes": {"k8sq-runc": {"path": "%s"}},\n  "default-runtime": "k8sq-runc"' "$STATE/bin/runcshim")
	fi
	cat >"$STATE/daemon.json" <<JSON
{
  "data-root": "$STATE/docker",
  "exec-root": "$STATE/exec",
  "pidfile": "$PIDFILE",
  "hosts": ["unix://$SOCK"],
  "containerd-namespace": "k8sq-kind",
  "containerd-plugins-namespace": "k8sq-kind-plugins",
  "cgroup-parent": "/k8squest-kind",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "bridge": "none",
  "iptables": false,
  "ip6tables": false,
  "ip-forward": false,
  "ip-masq": false,
  "ipv6": false,
  "userland-proxy": true,
  "ip": "127.0.0.1",
  "dns": ["127.0.0.1"],
  "storage-driver": "overlay2",
  "log-driver": "json-file",
  "features": {"buildkit": false}$runtime
}
JSON
	log "starting the private dockerd (socket $SOCK)"
	# setsid: its own session, so nothing else signals it; stop uses the pidfile.
	# The proxy is a closed local port: a pull fails at once, with no lookup
	# or packet leaving the machine (every image here is built or loaded).
	HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= http_proxy= https_proxy= no_proxy= \
		setsid dockerd --config-file "$STATE/daemon.json" >"$STATE/dockerd.log" 2>&1 </dev/null &
	local i
	for i in $(seq 1 60); do
		docker_ok && return 0
		sleep 0.5
	done
	tail -20 "$STATE/dockerd.log" >&2
	die "dockerd did not answer on $SOCK within 30 s (log: $STATE/dockerd.log)"
}

stop() {
	running || return 0
	local pid i
	pid=$(cat "$PIDFILE")
	log "stopping the private dockerd (pid $pid)"
	kill -TERM "$pid"
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	kill -0 "$pid" 2>/dev/null && die "dockerd (pid $pid) did not stop within 30 s"
	rm -f "$PIDFILE"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) die "usage: $0 start|stop" ;;
esac
