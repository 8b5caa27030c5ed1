#!/usr/bin/env bash
# netpol.sh: a NetworkPolicy enforcer for the kind cluster, since the node
# image's ptp CNI config enforces none (kindnetd cannot be built here).
#
#   netpol.sh build    the image: kube-router (its firewall only) built from
#                      its Go module, with Debian's iptables and ipset, saved
#                      as $CACHE/netpol-KEY.tar (KEY: the versions)
#   netpol.sh install  loads the image into the running cluster and installs
#                      the DaemonSet kube-system/k8squest-netpol (idempotent),
#                      waiting until its firewall chains exist on every node
#
# kube-router runs with --run-firewall only: kube-proxy keeps the Services and
# the ptp plugin the pod network. kube-router gives every pod a chain, but
# only a pod that a NetworkPolicy selects gets rules that refuse connections
# (kube-router rejects them: the caller sees "connection refused" at once,
# not a timeout); any other pod's chain drops only packets that conntrack
# finds invalid. No health or metrics port is opened.
. "$(dirname "$0")/lib.sh"
. "$HERE/images.sh"
# stdout belongs to up.sh's export lines
exec >&2

KUBE_ROUTER_VERSION=v2.1.0
# NETPOL_REV changes whenever this image's recipe changes.
NETPOL_REV=2
# Debian packages for the image: iptables (both backends) and ipset, with
# their libraries.
DEBS=(iptables ipset libipset13 libxtables12 libnftnl11 libip4tc2 libip6tc2 libnetfilter-conntrack3
	libnfnetlink0 libmnl0 libc6 libgcc-s1 netbase)
NETPOL_IMAGE=k8squest.local/kube-router:$KUBE_ROUTER_VERSION-k8squest$NETPOL_REV
W=$CACHE/work/netpol
KR=$CACHE/bin/kube-router-$KUBE_ROUTER_VERSION-r$NETPOL_REV
# The DaemonSet's name; its pods carry the label k8s-app=k8squest-netpol.
DS=k8squest-netpol
NODE_KUBECTL=(kubectl --kubeconfig /etc/kubernetes/admin.conf)
# The kind cluster to install into.
KIND_CLUSTER=${K8SQUEST_KIND_CLUSTER:-k8squest}

netpol_key() {
	printf 'kube-router%s-%s-r%s' "$KUBE_ROUTER_VERSION" "$DEBIAN_SUITE" "$NETPOL_REV"
}
ARCHIVE=$CACHE/netpol-$(netpol_key).tar

build_kube_router() {
	[ -x "$KR" ] && return 0
	mkdir -p "$W/gobin" "$CACHE/bin"
	# outside the repository's module: kube-router's own go.mod decides
	(cd "$W" && CGO_ENABLED=0 GOBIN="$W/gobin" go install -trimpath \
		-ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION" \
		"github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION") ||
		die "build kube-router $KUBE_ROUTER_VERSION"
	rm -f "$CACHE"/bin/kube-router-*
	mv "$W/gobin/kube-router" "$KR"
}

# download_debs: Debian's packages, through a private apt configuration, so
# the system's sources and lists stay as they are.
download_debs() {
	local A=$W/apt
	rm -rf "$W/debs"
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$W/debs"
	echo "deb http://deb.debian.org/debian $DEBIAN_SUITE main" >"$A/sources.list"
	local apt=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	apt-get "${apt[@]}" -qq update
	(cd "$W/debs" && apt-get "${apt[@]}" -qq download "${DEBS[@]}") >/dev/null || die "download ${DEBS[*]}"
}

# image_root DIR: the packages unpacked, iptables links for each backend
# (nft in /usr/sbin, legacy in /usr/lib/k8squest/legacy; the DaemonSet's PATH
# picks the one the node uses) and kube-router.
image_root() {
	local R=$1 d x
	rm -rf "$R"
	minimal_etc "$R"
	for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$R"; done
	rm -rf "$R/usr/share/doc" "$R/usr/share/man" "$R/usr/share/lintian" "$R/usr/share/locale"
	mkdir -p "$R/usr/lib/k8squest/legacy"
	for x in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
		ln -sf xtables-nft-multi "$R/usr/sbin/$x"
		ln -sf /usr/sbin/xtables-legacy-multi "$R/usr/lib/k8squest/legacy/$x"
	done
	ldconfig -r "$R"
	install -D -m 0755 "$KR" "$R/usr/local/bin/kube-router"
	# the programs must run from the image root alone
	chroot "$R" /usr/sbin/iptables --version | grep -q nf_tables || die "iptables-nft does not run in the image root"
	chroot "$R" /usr/lib/k8squest/legacy/iptables --version | grep -q legacy || die "iptables-legacy does not run in the image root"
	chroot "$R" /usr/sbin/ipset version >/dev/null || die "ipset does not run in the image root"
}

build_image() {
	docker_ok || die "the private dockerd is not running (scripts/kind/dockerd.sh start)"
	if [ -f "$ARCHIVE" ]; then
		exit 0
	fi
	step "build kube-router $KUBE_ROUTER_VERSION" build_kube_router
	step "download ${DEBS[*]}" download_debs
	local vers
	vers=$(for d in "$W"/debs/*.deb; do dpkg-deb -W --showformat='${Package}=${Version}' "$d"; echo; done | paste -sd' ')
	step "make the kube-router image root" image_root "$W/root"
	import_dir "$W/root" "$NETPOL_IMAGE" \
		"k8squest kind harness: NetworkPolicy enforcer, kube-router $KUBE_ROUTER_VERSION (firewall only) built from its Go module, with Debian $DEBIAN_SUITE's iptables (nft and legacy) and ipset: $vers" \
		'ENTRYPOINT ["/usr/local/bin/kube-router"]'
	rm -f "$CACHE"/netpol-*.tar
	docker save -o "$ARCHIVE.tmp" "$NETPOL_IMAGE"
	mv "$ARCHIVE.tmp" "$ARCHIVE"
	rm -rf "$W/root" "$W/debs"
	local old
	for old in $(docker images --format '{{.Repository}}:{{.Tag}}' "${NETPOL_IMAGE%:*}"); do
		[ "$old" = "$NETPOL_IMAGE" ] || docker rmi "$old" >/dev/null 2>&1 || true
	done
	log "NetworkPolicy enforcer image $NETPOL_IMAGE saved in $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
}

# node_backend NODE: nft or legacy, whichever holds kube-proxy's rules on the
# node, so that kube-router's rules sit in the same tables. On a cluster just
# made, kube-proxy may not have written them yet: wait (at most 90 s).
node_backend() {
	local n=$1 i b
	for i in $(seq 1 90); do
		for b in nft legacy; do
			if docker exec "$n" "iptables-$b-save" -t nat 2>/dev/null | grep -q KUBE-SERVICES; then
				echo "$b"
				return 0
			fi
		done
		sleep 1
	done
	die "kube-proxy's rules (KUBE-SERVICES) are in neither iptables backend of node $n after 90 s"
}

manifest() {
	local path=$1
	cat <<YAML
# NetworkPolicy enforcer installed by the k8squest kind harness (scripts/kind/netpol.sh).
apiVersion: v1
kind: ServiceAccount
metadata: {name: $DS, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: $DS}
rules:
- apiGroups: [""]
  resources: [namespaces, pods, services, endpoints, nodes]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $DS}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $DS}
subjects:
- {kind: ServiceAccount, name: $DS, namespace: kube-system}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: $DS
  namespace: kube-system
  labels: {k8s-app: $DS}
spec:
  selector:
    matchLabels: {k8s-app: $DS}
  template:
    metadata:
      labels: {k8s-app: $DS}
    spec:
      serviceAccountName: $DS
      priorityClassName: system-node-critical
      hostNetwork: true
      tolerations:
      - operator: Exists
      containers:
      - name: kube-router
        image: $NETPOL_IMAGE
        imagePullPolicy: Never
        args:
        - --run-firewall=true
        - --run-router=false
        - --run-service-proxy=false
        - --service-cluster-ip-range=$SVC_CIDR
        # no health or metrics listener: nothing listens beyond the loopback
        - --health-port=0
        - --v=1
        env:
        - name: NODE_NAME
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        - name: PATH
          value: $path
        securityContext: {privileged: true}
        # Ready once the first sync has made kube-router's chains.
        readinessProbe:
          exec: {command: [iptables, -w, "5", -n, -L, KUBE-ROUTER-FORWARD]}
          periodSeconds: 2
          timeoutSeconds: 10
        resources:
          requests: {cpu: 20m, memory: 32Mi}
        volumeMounts:
        - {name: xtables-lock, mountPath: /run/xtables.lock}
      volumes:
      - name: xtables-lock
        hostPath: {path: /run/xtables.lock, type: FileOrCreate}
YAML
}

install_enforcer() {
	[ -f "$ARCHIVE" ] || die "no enforcer image yet ($ARCHIVE): run scripts/kind/netpol.sh build"
	local nodes n path backend=
	nodes=$(docker ps --filter "label=io.x-k8s.kind.cluster=$KIND_CLUSTER" --format '{{.Names}}')
	[ -n "$nodes" ] || die "the kind cluster $KIND_CLUSTER has no running nodes"
	for n in $nodes; do
		local b
		b=$(node_backend "$n")
		[ -z "$backend" ] || [ "$backend" = "$b" ] || die "the nodes use different iptables backends"
		backend=$b
	done
	path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	[ "$backend" = nft ] || path=/usr/lib/k8squest/legacy:$path
	log "nodes' iptables backend: $backend (kube-proxy's); kube-router uses the same"
	local missing=
	for n in $nodes; do
		docker exec "$n" ctr -n k8s.io images ls -q | grep -qxF "$NETPOL_IMAGE" || missing=yes
	done
	[ -z "$missing" ] || (cd "$REPO" && go run ./scripts/kind/loadimages -cluster "$KIND_CLUSTER" "$ARCHIVE")
	n=$(echo "$nodes" | grep -m1 control-plane || echo "$nodes" | head -1)
	manifest "$path" | docker exec -i "$n" "${NODE_KUBECTL[@]}" apply -f - >/dev/null
	docker exec "$n" "${NODE_KUBECTL[@]}" -n kube-system rollout status "daemonset/$DS" --timeout=120s >&2 ||
		die "the NetworkPolicy enforcer did not become ready: $(docker exec "$n" "${NODE_KUBECTL[@]}" -n kube-system logs "daemonset/$DS" --tail=20 2>&1)"
}

case "${1:-}" in
build) build_image ;;
install) install_enforcer ;;
*) die "usage: netpol.sh build|install" ;;
esac
