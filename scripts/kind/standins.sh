#!/usr/bin/env bash
# standins.sh: the images the levels use, made here without a registry, and
# saved as one archive ($CACHE/standins-rN.tar) for loadimages. Each says
# what it is in its org.opencontainers.image.description label.
. "$(dirname "$0")/lib.sh"
. "$HERE/images.sh"

ARCHIVE=$CACHE/standins-r$STANDINS_REV.tar
W=$CACHE/work/standins
docker_ok || die "the private dockerd is not running (scripts/kind/dockerd.sh start)"
TAGS=(busybox:1.28 busybox:1.36 nginx:1.27-alpine postgres:16-alpine hashicorp/http-echo:1.0 "registry.k8s.io/kubectl:$KUBE_VERSION")
if [ -f "$ARCHIVE" ]; then
	docker image inspect "${TAGS[@]}" >/dev/null 2>&1 || docker load -q -i "$ARCHIVE" >/dev/null
	exit 0
fi
rm -f "$CACHE"/standins-r*.tar
BB=$(ls "$CACHE"/bin/busybox-*-r"$BUSYBOX_REV" 2>/dev/null | head -1)
[ -n "$BB" ] || die "no busybox built yet (scripts/kind/busybox.sh)"
BBVER=$(basename "$BB"); BBVER=${BBVER#busybox-}; BBVER=${BBVER%-r"$BUSYBOX_REV"}

# busybox_root DIR: the static busybox with a link for every applet.
busybox_root() {
	local R=$1 a
	rm -rf "$R"
	minimal_etc "$R"
	mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/root" "$R/var/empty"
	cp "$BB" "$R/bin/busybox"
	for a in $("$BB" --list-full); do
		[ "$a" = bin/busybox ] || ln -sf /bin/busybox "$R/$a"
	done
}

mkdir -p "$W"
(cd "$REPO" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$W/http-echo" ./scripts/kind/httpecho) || die "build httpecho"

busybox_root "$W/busybox"
for tag in 1.28 1.36; do
	import_dir "$W/busybox" "busybox:$tag" \
		"k8squest stand-in for busybox:$tag: Debian's busybox $BBVER, static, built with the small nslookup (CONFIG_FEATURE_NSLOOKUP_BIG off) so it prints the 1.28 format" \
		'CMD ["sh"]'
done

busybox_root "$W/nginx"
mkdir -p "$W/nginx/usr/share/nginx/html"
printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1><p>k8squest stand-in: busybox httpd.</p></body></html>\n' \
	>"$W/nginx/usr/share/nginx/html/index.html"
import_dir "$W/nginx" "nginx:1.27-alpine" \
	"k8squest stand-in for nginx:1.27-alpine: busybox httpd serving /usr/share/nginx/html on :80, logging each request (CLIENT:PORT: url:PATH, then CLIENT:PORT: response:CODE) to the container log as nginx does; exits on SIGTERM" \
	'EXPOSE 80/tcp' 'CMD ["sh", "-c", "trap \"exit 0\" TERM; httpd -f -vv -p 80 -h /usr/share/nginx/html & wait"]'

busybox_root "$W/postgres"
import_dir "$W/postgres" "postgres:16-alpine" \
	"k8squest stand-in for postgres:16-alpine: busybox httpd listening on :5432, so TCP connects succeed; it speaks no PostgreSQL" \
	'EXPOSE 5432/tcp' 'CMD ["sh", "-c", "trap \"exit 0\" TERM; httpd -f -p 5432 -h /var/empty & wait"]'

R=$W/http-echo-root; rm -rf "$R"; minimal_etc "$R"; cp "$W/http-echo" "$R/http-echo"
import_dir "$R" "hashicorp/http-echo:1.0" \
	"k8squest stand-in for hashicorp/http-echo:1.0: a static Go program (scripts/kind/httpecho) answering every path with -text on -listen (default :5678)" \
	'EXPOSE 5678/tcp' 'ENTRYPOINT ["/http-echo"]'

# The classroom's shell pod (levels/game's pod shell): a shell and kubectl.
KUBECTL=$CACHE/bin/$KUBE_VERSION/kubectl-static
[ -x "$KUBECTL" ] || "$HERE/kubebins.sh" || die "no static kubectl built (scripts/kind/kubebins.sh)"
busybox_root "$W/kubectl"
cp "$KUBECTL" "$W/kubectl/bin/kubectl"
import_dir "$W/kubectl" "registry.k8s.io/kubectl:$KUBE_VERSION" \
	"k8squest stand-in for registry.k8s.io/kubectl:$KUBE_VERSION: the harness's own kubectl $KUBE_VERSION, static (scripts/kind/kubebins.sh), in /bin, with busybox's sh and applets" \
	'ENTRYPOINT ["kubectl"]'

docker save -o "$ARCHIVE.tmp" "${TAGS[@]}"
mv "$ARCHIVE.tmp" "$ARCHIVE"
log "stand-in images saved in $ARCHIVE"
docker image prune -f >/dev/null
