#!/usr/bin/env bash
# busybox.sh: a static busybox from Debian's own source package, configured as
# Debian's busybox-static but with CONFIG_FEATURE_NSLOOKUP_BIG off. That
# nslookup asks the libc resolver, so it honours the search list and ndots,
# and prints the 1.28 format (`Address 1: IP NAME`) the level-30 debrief shows;
# with CONFIG_NC_110_COMPAT on, for `nc -z`; and with
# CONFIG_FEATURE_WGET_TIMEOUT on, for `wget -T N` (level 25's debrief). With
# that option off, wget still parses -T as a number and stores it through a
# null pointer: a segfault before any request (Debian's busybox-static has
# the same bug).
# Output: $CACHE/bin/busybox-<version>-r$BUSYBOX_REV.
. "$(dirname "$0")/lib.sh"

W=$CACHE/work/busybox
mkdir -p "$W/apt/lists/partial" "$W/apt/cache/archives/partial" "$CACHE/bin"
ls "$CACHE"/bin/busybox-*-r"$BUSYBOX_REV" >/dev/null 2>&1 && exit 0

# A private apt configuration: the system's sources and lists stay as they are.
echo "deb-src http://deb.debian.org/debian $DEBIAN_SUITE main" >"$W/apt/sources.list"
APT=(-o Dir::Etc::SourceList="$W/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o Dir::State::Lists="$W/apt/lists" -o Dir::Cache="$W/apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
if ! ls "$W"/busybox_*.dsc >/dev/null 2>&1; then
	apt-get "${APT[@]}" -qq update
	(cd "$W" && apt-get "${APT[@]}" -qq source --download-only busybox) >/dev/null
fi
src=$(find "$W" -maxdepth 1 -type d -name 'busybox-*' | head -1)
if [ -z "$src" ]; then
	(cd "$W" && dpkg-source -x --no-check busybox_*.dsc) >/dev/null
	src=$(find "$W" -maxdepth 1 -type d -name 'busybox-*' | head -1)
fi
[ -n "$src" ] || die "busybox source not found in $W"
ver=$(sed -n 's/^Version: //p' "$W"/busybox_*.dsc | head -1)
ver=${ver#*:}
(
	cd "$src"
	# dpkg-source -x has applied Debian's patches already
	cp debian/config/pkg/static .config
	# nc -z (level 23's `nc -z -w 2 HOST 5432`) needs the netcat 1.10 options,
	# which busybox's own defconfig (the Docker Hub image's) has on
	sed -i -e 's/^CONFIG_FEATURE_NSLOOKUP_BIG=y/# CONFIG_FEATURE_NSLOOKUP_BIG is not set/' \
		-e 's/^# CONFIG_NC_110_COMPAT is not set/CONFIG_NC_110_COMPAT=y/' \
		-e 's/^# CONFIG_FEATURE_WGET_TIMEOUT is not set/CONFIG_FEATURE_WGET_TIMEOUT=y/' .config
	yes '' | make -s oldconfig >/dev/null
	grep -q '^# CONFIG_FEATURE_NSLOOKUP_BIG is not set' .config || die "CONFIG_FEATURE_NSLOOKUP_BIG still on"
	grep -q '^CONFIG_STATIC=y' .config || die "busybox config is not static"
	grep -q '^CONFIG_NC_110_COMPAT=y' .config || die "CONFIG_NC_110_COMPAT still off"
	grep -q '^CONFIG_FEATURE_WGET_TIMEOUT=y' .config || die "CONFIG_FEATURE_WGET_TIMEOUT still off"
	nice make -s -j"$(nproc)" busybox >build.log 2>&1 || { tail -20 build.log >&2; exit 1; }
) || die "busybox build failed (log: $src/build.log)"
rm -f "$CACHE"/bin/busybox-*
cp "$src/busybox" "$CACHE/bin/busybox-$ver-r$BUSYBOX_REV"
log "built busybox $ver (static, small nslookup, wget -T)"
