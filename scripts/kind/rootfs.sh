#!/usr/bin/env bash
# rootfs.sh DIR: the node's root file system, from debootstrap (minbase
# bookworm) plus the packages a kind node runs. Leaves DIR/.done when done.
. "$(dirname "$0")/lib.sh"

DIR=${1:?usage: rootfs.sh DIR}
[ -f "$DIR/.done" ] && exit 0
rm -rf "$DIR"
mkdir -p "$DIR"
PKGS=systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,nftables,conntrack,ethtool,jq,kmod,procps,mount,util-linux,iproute2,libseccomp2,ca-certificates,socat
cleanup() {
	# debootstrap mounts /proc and /sys in the target; never leave them behind
	local m
	for m in $(awk -v d="$DIR" '$2 ~ "^"d {print $2}' /proc/self/mounts | sort -r); do umount -l "$m" || true; done
}
trap cleanup EXIT
debootstrap --variant=minbase --include="$PKGS" "$DEBIAN_SUITE" "$DIR" http://deb.debian.org/debian \
	>"$DIR.log" 2>&1 || { tail -20 "$DIR.log" >&2; die "debootstrap failed (log: $DIR.log)"; }
cleanup
# kind's own clean-up (images/base/Dockerfile), and a smaller image
rm -rf "$DIR"/var/cache/apt/archives/*.deb "$DIR"/var/lib/apt/lists/* "$DIR"/usr/share/doc/* \
	"$DIR"/usr/share/man/* "$DIR"/usr/share/locale/* "$DIR"/var/log/*.log
touch "$DIR/.done"
