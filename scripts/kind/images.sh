# shellcheck shell=bash
# images.sh: helpers that make one-layer images from files, with docker
# import (never docker build). Source it after lib.sh.

# copy_bin ROOT SRC DEST [FROM]: copies program SRC to ROOT/DEST with the
# shared libraries it needs; FROM is a root file system to take the libraries
# from (default /).
copy_bin() {
	local root=$1 src=$2 dest=$3 from=${4:-} lib
	mkdir -p "$root/$(dirname "$dest")"
	cp -L "$src" "$root/$dest"
	for lib in $(ldd "$src" 2>/dev/null | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/[^ ]*ld-linux/ {print $1}'); do
		[ -e "$root/$lib" ] && continue
		mkdir -p "$root/$(dirname "$lib")"
		cp -L "$from$lib" "$root/$lib"
	done
}

# minimal_etc ROOT: the few files in /etc a Go or libc program expects.
minimal_etc() {
	local root=$1
	mkdir -p "$root/etc" "$root/tmp" "$root/var/run" "$root/proc" "$root/sys" "$root/dev"
	chmod 1777 "$root/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$root/etc/group"
	printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
	: >"$root/etc/hosts"
	: >"$root/etc/resolv.conf"
}

# import_dir ROOT REF DESCRIPTION CHANGE...: docker import of ROOT as REF,
# labelled with what it is and where it came from.
import_dir() {
	local root=$1 ref=$2 desc=$3
	shift 3
	local args=(--change "LABEL org.opencontainers.image.description=\"$desc\""
		--change "LABEL org.opencontainers.image.vendor=k8squest-kind-harness"
		--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	local c
	for c in "$@"; do args+=(--change "$c"); done
	[[ "${ref##*/}" == *:* ]] || die "image $ref has no tag"
	[[ "$ref" != *:latest ]] || die "never tag :latest ($ref)"
	tar --numeric-owner -C "$root" -c . | docker import "${args[@]}" - "$ref" >/dev/null
}
