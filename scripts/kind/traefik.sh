#!/usr/bin/env bash
# traefik.sh: the real Ingress controller of the kind suite, Traefik, built
# here from its Go module (no registry, no prebuilt binary) and made into an
# image with docker import, saved as $CACHE/traefik-<version>-r<rev>.tar.
#
#   traefik.sh          build (once; cached by version) and have the image in the dockerd
#   traefik.sh load     load the image into the running kind cluster's nodes
#   traefik.sh archive  print the archive's path
#
# Three things keep Traefik's module from building as it is on the module
# proxy this machine reaches, and each gets the smallest local stand-in:
# - pkg/config/dynamic/ext is a module of its own, left out of the module's
#   zip: two empty extension types, as upstream has them;
# - github.com/containous/go-http-auth (Traefik's fork, for the basicAuth and
#   digestAuth middlewares) is not served: the original abbot/go-http-auth
#   v0.4.0 is, plus the two functions the fork added (CheckSecret, and
#   RequireAuthStale answered as RequireAuth);
# - a dozen of lego's DNS-01 provider SDKs are not served: lego's provider
#   factory is replaced by one that has none (the kind tests use no ACME).
# The Kubernetes Ingress provider, the router and the proxy are Traefik's own.
. "$(dirname "$0")/lib.sh"
. "$HERE/images.sh"

# TRAEFIK_VERSION must equal engine/kindtest's TraefikVersion (a unit test
# there checks).
TRAEFIK_VERSION=v3.7.13
# TRAEFIK_REV changes whenever this recipe changes, so the cache key moves.
TRAEFIK_REV=1
IMAGE=k8squest.local/traefik:$TRAEFIK_VERSION
ARCHIVE=$CACHE/traefik-$TRAEFIK_VERSION-r$TRAEFIK_REV.tar
W=$CACHE/work/traefik

case "${1:-build}" in
archive) echo "$ARCHIVE"; exit 0 ;;
load)
	[ -f "$ARCHIVE" ] || die "no Traefik image archive yet ($ARCHIVE): run scripts/kind/up.sh"
	cd "$REPO" && exec go run ./scripts/kind/loadimages "$ARCHIVE"
	;;
build) ;;
*) die "traefik.sh: unknown command ${1} (want build, load or archive)" ;;
esac

docker_ok || die "the private dockerd is not running (scripts/kind/dockerd.sh start)"
if [ -f "$ARCHIVE" ]; then
	docker image inspect "$IMAGE" >/dev/null 2>&1 || docker load -q -i "$ARCHIVE" >/dev/null
	exit 0
fi
rm -f "$CACHE"/traefik-*.tar

# moddir MODULE@VERSION: the module's directory in the module cache,
# downloaded through the module proxy when missing.
moddir() {
	local dir
	dir=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	[ -n "$dir" ] && [ -d "$dir" ] || die "go mod download $1 gave no directory"
	echo "$dir"
}

# fresh_copy SRC DEST: a writable copy of a module directory.
fresh_copy() {
	rm -rf "$2"
	cp -r "$1" "$2"
	chmod -R u+w "$2"
}

rm -rf "$W"
mkdir -p "$W" "$CACHE/bin"
SRC=$W/traefik
fresh_copy "$(cd "$W" && moddir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")" "$SRC"

# the dynamic-configuration extension module
mkdir -p "$SRC/pkg/config/dynamic/ext"
printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"$SRC/pkg/config/dynamic/ext/go.mod"
cat >"$SRC/pkg/config/dynamic/ext/ext.go" <<'GO'
// Package ext holds the extension points of Traefik's dynamic configuration;
// this build (k8squest's kind harness) extends nothing.
package ext

// HTTP is empty: no extension of dynamic.HTTP.
type HTTP struct{}

// Router is empty: no extension of dynamic.Router.
type Router struct{}
GO
# the web UI is not served (no dashboard), but its embed needs the directory
[ -d "$SRC/webui/static" ] || { mkdir -p "$SRC/webui/static"; echo "no web UI in this build" >"$SRC/webui/static/README.txt"; }

# go-http-auth: the original v0.4.0 and the fork's two additions
AUTH=$W/go-http-auth
fresh_copy "$(cd "$W" && moddir github.com/abbot/go-http-auth@v0.4.0)" "$AUTH"
printf 'module github.com/abbot/go-http-auth\n\ngo 1.21\n' >"$AUTH/go.mod"
cat >"$AUTH/k8squest_additions.go" <<'GO'
package auth

import (
	"net/http"
	"strings"
)

// CheckSecret reports whether password matches secret, an htpasswd entry
// (MD5 crypt, {SHA} or bcrypt), as BasicAuth.CheckAuth compares them.
func CheckSecret(password, secret string) bool {
	compare := compareFuncs[0].compare
	for _, c := range compareFuncs[1:] {
		if strings.HasPrefix(secret, c.prefix) {
			compare = c.compare
			break
		}
	}
	return compare([]byte(secret), []byte(password)) == nil
}

// RequireAuthStale asks for the credentials again; this build does not tell
// the client its nonce was stale.
func (a *DigestAuth) RequireAuthStale(w http.ResponseWriter, r *http.Request) {
	a.RequireAuth(w, r)
}
GO

# lego without its DNS-01 providers
LEGOVER=$(awk '$1 == "github.com/go-acme/lego/v5" {print $2; exit}' "$SRC/go.mod")
[ -n "$LEGOVER" ] || die "Traefik $TRAEFIK_VERSION's go.mod names no github.com/go-acme/lego/v5"
LEGO=$W/lego
fresh_copy "$(cd "$W" && moddir "github.com/go-acme/lego/v5@$LEGOVER")" "$LEGO"
rm -f "$LEGO"/providers/dns/*.go
cat >"$LEGO/providers/dns/dns_providers.go" <<'GO'
// Package dns is lego's factory of DNS-01 challenge providers; in this build
// (k8squest's kind harness) it has none.
package dns

import (
	"fmt"

	"github.com/go-acme/lego/v5/challenge"
)

// NewDNSChallengeProviderByName refuses every name.
func NewDNSChallengeProviderByName(name string) (challenge.Provider, error) {
	return nil, fmt.Errorf("DNS provider %q: this build of Traefik has no DNS-01 providers", name)
}
GO

(cd "$SRC" && go mod edit -replace "github.com/abbot/go-http-auth=$AUTH" -replace "github.com/go-acme/lego/v5=$LEGO") ||
	die "go mod edit in $SRC"
log "building Traefik $TRAEFIK_VERSION (lego $LEGOVER without DNS providers) ..."
(cd "$SRC" && GOFLAGS=-mod=mod CGO_ENABLED=0 nice go build -trimpath \
	-ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION -X github.com/traefik/traefik/v3/pkg/version.Codename=k8squest-kind-harness" \
	-o "$W/traefik.bin" ./cmd/traefik) >"$W/build.log" 2>&1 ||
	{ grep -v '^go: downloading' "$W/build.log" | tail -20 >&2; die "Traefik build failed (log: $W/build.log)"; }
"$W/traefik.bin" version >&2 || die "the Traefik binary does not run"
cp "$W/traefik.bin" "$CACHE/bin/traefik-$TRAEFIK_VERSION"

R=$W/root
rm -rf "$R"
minimal_etc "$R"
cp "$W/traefik.bin" "$R/traefik"
import_dir "$R" "$IMAGE" \
	"k8squest build of Traefik $TRAEFIK_VERSION (github.com/traefik/traefik/v3 from the Go module proxy, static), the real Ingress controller of the kind suite; no web UI, no ACME DNS-01 providers, go-http-auth v0.4.0 in place of Traefik's fork (scripts/kind/traefik.sh)" \
	"LABEL org.opencontainers.image.title=traefik" \
	"LABEL org.opencontainers.image.version=$TRAEFIK_VERSION" \
	"LABEL org.opencontainers.image.source=github.com/traefik/traefik/v3@$TRAEFIK_VERSION" \
	'EXPOSE 80/tcp' 'ENTRYPOINT ["/traefik"]'
docker save -o "$ARCHIVE.tmp" "$IMAGE"
mv "$ARCHIVE.tmp" "$ARCHIVE"
rm -rf "$W"
log "Traefik $TRAEFIK_VERSION image $IMAGE saved in $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
