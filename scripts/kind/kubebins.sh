#!/usr/bin/env bash
# kubebins.sh: builds kubeadm, kubelet, kubectl and kube-proxy from
# k8s.io/kubernetes into $CACHE/bin/$KUBE_VERSION, the way engine/sim builds
# the control plane: a throwaway module that requires k8s.io/kubernetes and
# replaces its staging modules, sharing GOMODCACHE and GOCACHE with the sim.
. "$(dirname "$0")/lib.sh"

OUT=$CACHE/bin/$KUBE_VERSION
BINS=(kubeadm kubelet kubectl kube-proxy)
have=1
for b in "${BINS[@]}" kubectl-static; do [ -x "$OUT/$b" ] || have=0; done
[ $have -eq 1 ] && exit 0

MOD=$CACHE/build/kube-node
mkdir -p "$MOD" "$OUT"
if [ ! -f "$MOD/go.sum" ]; then
	{
		printf 'module k8squest.local/kindbuild/kube-node\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$KUBE_VERSION"
		for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider \
			cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api \
			cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice externaljwt \
			kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
			mount-utils pod-security-admission sample-apiserver sample-cli-plugin sample-controller streaming; do
			printf '\tk8s.io/%s => k8s.io/%s %s\n' "$m" "$m" "$STAGING_VERSION"
		done
		printf ')\n'
	} >"$MOD/go.mod"
	{
		printf '//go:build tools\n\npackage tools\n\nimport (\n'
		for b in "${BINS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
		printf ')\n'
	} >"$MOD/tools.go"
	# start from the sim's go.sum when it is there: same versions, fewer lookups
	SIMSUM=${XDG_CACHE_HOME:-$HOME/.cache}/k8squest/build/kubernetes/go.sum
	[ -f "$SIMSUM" ] && cp "$SIMSUM" "$MOD/go.sum.tmp"
	(cd "$MOD" && { [ -f go.sum.tmp ] && mv go.sum.tmp go.sum || true; } && GOWORK=off go mod tidy -e) || die "go mod tidy in $MOD failed"
fi
v=${KUBE_VERSION#v}
IFS=. read -r major minor _ <<<"$v"
pkg=k8s.io/component-base/version
ld="-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
for b in "${BINS[@]}"; do
	[ -x "$OUT/$b" ] && continue
	log "building $b $KUBE_VERSION (minutes when Go's build cache is cold)"
	(cd "$MOD" && GOWORK=off nice -n 10 go build -trimpath -ldflags="$ld" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b") || die "build $b failed"
	mv "$OUT/$b.tmp" "$OUT/$b"
done
# kubectl-static: kubectl without cgo, for the busybox stand-in of
# registry.k8s.io/kubectl (standins.sh), which has no C library.
if [ ! -x "$OUT/kubectl-static" ]; then
	log "building kubectl-static $KUBE_VERSION"
	(cd "$MOD" && GOWORK=off CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags="$ld" -o "$OUT/kubectl-static.tmp" k8s.io/kubernetes/cmd/kubectl) || die "build kubectl-static failed"
	mv "$OUT/kubectl-static.tmp" "$OUT/kubectl-static"
fi
