#!/usr/bin/env bash
# packages.sh: installs the Debian packages the harness needs, when missing.
. "$(dirname "$0")/lib.sh"

NEED=(docker.io containerd runc iptables nftables debootstrap jq bc iproute2 tar xz-utils)

missing=()
for p in "${NEED[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]}); installing them needs root"
log "installing missing Debian packages: ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get update -qq
# --no-install-recommends: docker.io recommends apparmor, git, xz... none needed
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
log "installed: ${missing[*]}"
