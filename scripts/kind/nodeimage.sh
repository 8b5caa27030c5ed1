#!/usr/bin/env bash
# nodeimage.sh: builds the kind node image offline and caches it as
# $CACHE/node-KEY.tar, KEY being the versions it is made of. A cached image
# is loaded into the private daemon in seconds.
#
# The image is kind's images/base (files from kind's module source) on a
# debootstrap'd Debian with Debian's containerd and runc, our builds of
# kubeadm, kubelet and kubectl, and the control-plane images preloaded into
# the node's containerd: the sim's kube-apiserver, controller-manager,
# scheduler, etcd and CoreDNS, our kube-proxy and pause. Added for this
# machine: a ptp CNI config (the cluster runs with disableDefaultCNI), runcshim
# as the node's runc, a kubelet drop-in that creates the kubelet cgroups on
# cgroup v1, and a kubeadm wrapper that waits for systemd.
. "$(dirname "$0")/lib.sh"
. "$HERE/images.sh"

IMG=$(node_image)
KEY=$(imagekey)
ARCHIVE=$CACHE/node-$KEY.tar
W=$CACHE/work
docker_ok || die "the private dockerd is not running (scripts/kind/dockerd.sh start)"

if docker image inspect "$IMG" >/dev/null 2>&1; then
	exit 0
fi
if [ -f "$ARCHIVE" ]; then
	step "load cached node image" docker load -q -i "$ARCHIVE"
	exit 0
fi

step "debootstrap root file system" "$HERE/rootfs.sh" "$W/rootfs-$DEBIAN_SUITE"
step "build kubeadm, kubelet, kubectl, kube-proxy" "$HERE/kubebins.sh"
KBIN=$CACHE/bin/$KUBE_VERSION

build_helpers() {
	mkdir -p "$W/gobin"
	(cd "$REPO" &&
		CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.realRunc=/usr/sbin/runc" -o "$W/gobin/runcshim" ./scripts/kind/runcshim &&
		CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$W/gobin/pause" ./scripts/kind/pause) || die "build the node's helper programs"
}
step "build runcshim and pause" build_helpers

KINDDIR=$(cd "$REPO" && go mod download -json "sigs.k8s.io/kind@$KIND_VERSION" | jq -r .Dir)
[ -d "$KINDDIR/images/base/files" ] || die "kind's images/base not found in $KINDDIR"
BASEFILES=$KINDDIR/images/base/files

stage_rootfs() {
	local S=$W/stage
	rm -rf "$S"
	cp -a "$W/rootfs-$DEBIAN_SUITE" "$S"
	rm -f "$S/.done"
	# kind's images/base files, with the modes its Dockerfile gives them
	install -m 0755 "$BASEFILES"/usr/local/bin/* "$S/usr/local/bin/"
	mkdir -p "$S/kind/bin" "$S/LICENSES" "$S/etc/containerd" "$S/etc/default" "$S/etc/sysctl.d" \
		"$S/etc/systemd/system/kubelet.service.d" "$S/etc/kubernetes/manifests"
	cp -r "$BASEFILES"/kind/. "$S/kind/"
	chmod 0755 "$S/kind" "$S/kind/bin" "$S"/kind/bin/*
	install -m 0644 "$BASEFILES"/LICENSES/* "$S/LICENSES/"
	install -m 0644 "$BASEFILES"/etc/crictl.yaml "$S/etc/"
	install -m 0644 "$BASEFILES"/etc/default/* "$S/etc/default/"
	install -m 0644 "$BASEFILES"/etc/sysctl.d/* "$S/etc/sysctl.d/"
	find "$BASEFILES/etc/systemd/system" -maxdepth 1 -type f -exec install -m 0644 -t "$S/etc/systemd/system/" {} +
	install -m 0644 "$BASEFILES"/etc/systemd/system/kubelet.service.d/* "$S/etc/systemd/system/kubelet.service.d/"
	# containerd: kind's config for Debian's 1.6 (no fuse-overlayfs; our pause)
	sed -e '/^\[proxy_plugins/,/^$/d' -e '/fuse-overlayfs/d' \
		-e "s|sandbox_image = .*|sandbox_image = \"registry.k8s.io/pause:$PAUSE_TAG\"|" \
		"$BASEFILES/etc/containerd/config.toml" >"$S/etc/containerd/config.toml"
	ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
		jq 'del(.process.rlimits)' >"$S/etc/containerd/cri-base.json"
	ln -sf /usr/bin/containerd "$S/usr/local/bin/containerd"
	# the node's runc is runcshim, which execs Debian's /usr/sbin/runc
	install -m 0755 "$W/gobin/runcshim" "$S/usr/local/sbin/runc"
	# CNI: Debian's plugins where containerd looks, and a ptp config for the
	# node's podCIDR (one node: the controller-manager gives it 10.244.0.0/24)
	mkdir -p "$S/opt/cni/bin" "$S/etc/cni/net.d"
	local p
	for p in ptp host-local loopback portmap; do cp -L "$S/usr/lib/cni/$p" "$S/opt/cni/bin/$p"; done
	cat >"$S/etc/cni/net.d/10-k8squest-ptp.conflist" <<'JSON'
{
  "cniVersion": "0.4.0",
  "name": "k8squest",
  "plugins": [
    {"type": "ptp", "ipMasq": false, "mtu": 1500,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
	# kubelet on cgroup v1: systemd mounts some hierarchies after kind's
	# entrypoint ran, so create the kubelet cgroups in each before it starts
	cat >"$S/etc/systemd/system/kubelet.service.d/12-k8squest-cgroup-v1.conf" <<'UNIT'
# k8squest kind harness: on cgroup v1 create kubelet.slice and kubelet in every hierarchy
[Service]
ExecStartPre=/bin/sh -c 'if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then for d in /sys/fs/cgroup/*/; do [ -L "$${d%%/}" ] && continue; mkdir -p "$${d}kubelet.slice" "$${d}kubelet"; done; fi'
UNIT
	# Kubernetes binaries where kind's units expect them; kubeadm waits for systemd
	install -m 0755 "$KBIN/kubelet" "$KBIN/kubectl" "$S/usr/bin/"
	mkdir -p "$S/usr/libexec/k8squest"
	install -m 0755 "$KBIN/kubeadm" "$S/usr/libexec/k8squest/kubeadm"
	cat >"$S/usr/bin/kubeadm" <<'SH'
#!/bin/sh
# k8squest kind harness: kind may run kubeadm before systemd is up on cgroup
# v1; wait (at most 60 s) for systemd to be running, then run kubeadm.
i=0
while [ $i -lt 120 ]; do
	case "$(systemctl is-system-running 2>/dev/null)" in running | degraded) break ;; esac
	i=$((i + 1))
	sleep 0.5
done
exec /usr/libexec/k8squest/kubeadm "$@"
SH
	chmod 0755 "$S/usr/bin/kubeadm"
	printf '%s' "$KUBE_VERSION" >"$S/kind/version"
	# kind's systemd clean-up and services (images/base/Dockerfile)
	rm -f "$S"/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service \
		"$S"/lib/systemd/system/multi-user.target.wants/* "$S"/etc/systemd/system/*.wants/* \
		"$S"/lib/systemd/system/local-fs.target.wants/* "$S"/lib/systemd/system/sockets.target.wants/*udev* \
		"$S"/lib/systemd/system/sockets.target.wants/*initctl* "$S"/lib/systemd/system/basic.target.wants/*
	echo "ReadKMsg=no" >>"$S/etc/systemd/journald.conf"
	ln -sf /usr/lib/systemd/systemd "$S/sbin/init"
	chroot "$S" systemctl enable kubelet.service containerd.service undo-mount-hacks.service >/dev/null 2>&1
	chroot "$S" systemctl mask systemd-binfmt.service >/dev/null 2>&1
	[ -L "$S/etc/systemd/system/multi-user.target.wants/kubelet.service" ] || die "systemctl enable kubelet failed in the stage"
}
step "stage the node root file system" stage_rootfs

# control_plane_images: one-layer images of the control-plane programs, saved
# as one archive for the node's containerd.
control_plane_images() {
	local I=$W/img R b
	for b in kube-apiserver kube-controller-manager kube-scheduler etcd coredns; do
		[ -x "$SIMBIN/$b" ] || die "$SIMBIN/$b is missing: build the sim's binaries first (go run ./cmd/k8squest cluster install --provider sim)"
	done
	rm -rf "$I"
	mkdir -p "$I"
	local k=registry.k8s.io
	for b in kube-apiserver kube-controller-manager kube-scheduler; do
		R=$I/$b; minimal_etc "$R"; copy_bin "$R" "$SIMBIN/$b" "/usr/local/bin/$b"
		import_dir "$R" "$k/$b:$KUBE_VERSION" "k8squest kind harness: $b $KUBE_VERSION built from k8s.io/kubernetes (the sim's binary)"
	done
	R=$I/etcd; minimal_etc "$R"; copy_bin "$R" "$SIMBIN/etcd" /usr/local/bin/etcd
	mkdir -p "$R/var/lib/etcd"
	import_dir "$R" "$k/etcd:$KUBEADM_ETCD_TAG" "k8squest kind harness: etcd $ETCD_VERSION (the sim's binary) tagged as kubeadm's $KUBEADM_ETCD_TAG"
	R=$I/coredns; minimal_etc "$R"; copy_bin "$R" "$SIMBIN/coredns" /coredns
	import_dir "$R" "$k/coredns/coredns:$KUBEADM_COREDNS_TAG" \
		"k8squest kind harness: CoreDNS $COREDNS_VERSION (the sim's binary) tagged as kubeadm's $KUBEADM_COREDNS_TAG" 'ENTRYPOINT ["/coredns"]'
	R=$I/pause; minimal_etc "$R"; cp "$W/gobin/pause" "$R/pause"
	import_dir "$R" "$k/pause:$PAUSE_TAG" "k8squest kind harness: pause, a static Go program (scripts/kind/pause)" 'ENTRYPOINT ["/pause"]'
	# kube-proxy with iptables-nft and conntrack from the node's root file system
	local S=$W/stage x
	R=$I/kube-proxy; minimal_etc "$R"; copy_bin "$R" "$KBIN/kube-proxy" /usr/local/bin/kube-proxy "$S"
	copy_bin "$R" "$S/usr/sbin/xtables-nft-multi" /usr/sbin/xtables-nft-multi "$S"
	copy_bin "$R" "$S/usr/sbin/conntrack" /usr/sbin/conntrack "$S"
	for x in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
		iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
		ln -sf xtables-nft-multi "$R/usr/sbin/$x"
	done
	mkdir -p "$R/usr/lib/x86_64-linux-gnu/xtables"
	for x in "$S"/usr/lib/x86_64-linux-gnu/xtables/*.so; do
		copy_bin "$R" "$x" "/usr/lib/x86_64-linux-gnu/xtables/$(basename "$x")" "$S"
	done
	import_dir "$R" "$k/kube-proxy:$KUBE_VERSION" "k8squest kind harness: kube-proxy $KUBE_VERSION built from k8s.io/kubernetes, with Debian's iptables-nft and conntrack"
	docker save -o "$W/control-plane.tar" "$k/kube-apiserver:$KUBE_VERSION" "$k/kube-controller-manager:$KUBE_VERSION" \
		"$k/kube-scheduler:$KUBE_VERSION" "$k/kube-proxy:$KUBE_VERSION" "$k/etcd:$KUBEADM_ETCD_TAG" \
		"$k/coredns/coredns:$KUBEADM_COREDNS_TAG" "$k/pause:$PAUSE_TAG"
}
step "make the control-plane images" control_plane_images

BASE=k8squest.local/kind-base:$KEY
step "import the base image" import_dir "$W/stage" "$BASE" "k8squest kind harness: kind $KIND_VERSION base on Debian $DEBIAN_SUITE" \
	'ENV container=docker' 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]'

# preload: kind's own way (pkg/build/nodeimage): run the base with sleep,
# start containerd by hand, import the images pinned, commit.
preload() {
	local id=k8sq-kind-build-$$
	docker run -d --name "$id" --network none --security-opt seccomp=unconfined --entrypoint sleep "$BASE" infinity >/dev/null
	trap 'docker rm -f '"$id"' >/dev/null 2>&1 || true' RETURN
	docker exec "$id" sh -c 'nohup containerd >/tmp/containerd.log 2>&1 &'
	local i
	for i in $(seq 1 40); do docker exec "$id" ctr version >/dev/null 2>&1 && break; sleep 0.5; done
	docker exec -i "$id" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
		--all-platforms --no-unpack --digests - <"$W/control-plane.tar" >/dev/null
	docker exec "$id" ctr --namespace=k8s.io images list -q | grep -q "pause:$PAUSE_TAG" || die "images not imported into the node's containerd"
	docker exec "$id" sh -c 'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.2; done; rm -f /tmp/containerd.log'
	docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
		--change 'LABEL org.opencontainers.image.description="k8squest kind harness: kind node image, kind '"$KIND_VERSION"', Kubernetes '"$KUBE_VERSION"', built offline"' \
		"$id" "$IMG" >/dev/null
}
step "preload images and commit the node image" preload
# the control-plane images live on in the node image's containerd only
docker rmi "$BASE" $(tar -xOf "$W/control-plane.tar" manifest.json | jq -r '.[].RepoTags[]') >/dev/null
step "save the node image to the cache" docker save -o "$ARCHIVE.tmp" "$IMG"

# stop_signal: kind's node image stops systemd with SIGRTMIN+3 (its
# STOPSIGNAL); docker 20.10's import and commit cannot set it, so the saved
# archive's image config gets it, and the image is loaded again from there.
stop_signal() {
	local d=$W/save cfg new
	rm -rf "$d"
	mkdir -p "$d"
	tar -C "$d" -xf "$ARCHIVE.tmp"
	cfg=$(jq -r '.[0].Config' "$d/manifest.json")
	jq -c '.config.StopSignal = "SIGRTMIN+3"' "$d/$cfg" >"$d/config.new"
	new=$(sha256sum "$d/config.new" | cut -d' ' -f1).json
	rm "$d/$cfg"
	mv "$d/config.new" "$d/$new"
	jq -c --arg c "$new" '.[0].Config = $c' "$d/manifest.json" >"$d/manifest.new"
	mv "$d/manifest.new" "$d/manifest.json"
	tar -C "$d" -cf "$ARCHIVE.tmp" .
	rm -rf "$d"
	docker rmi "$IMG" >/dev/null
	docker load -q -i "$ARCHIVE.tmp" >/dev/null
	[ "$(docker image inspect -f '{{.Config.StopSignal}}' "$IMG")" = "SIGRTMIN+3" ] || die "the node image has no StopSignal"
}
step "set the node image's stop signal" stop_signal
mv "$ARCHIVE.tmp" "$ARCHIVE"
# the debootstrap'd root file system stays for rebuilds; the rest goes, and
# so do node images of other keys
rm -rf "$W/stage" "$W/img" "$W/control-plane.tar"
for old in "$CACHE"/node-*.tar; do [ "$old" = "$ARCHIVE" ] || rm -f "$old"; done
for old in $(docker images --format '{{.Repository}}:{{.Tag}}' "${IMG%:*}"); do
	[ "$old" = "$IMG" ] || docker rmi "$old" >/dev/null 2>&1 || log "kept $old (a container uses it)"
done
log "node image $IMG built and cached in $ARCHIVE"
