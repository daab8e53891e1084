#!/usr/bin/env bash
# Builds the control plane that syspool's integration tests run against (etcd,
# kube-apiserver, kube-scheduler), and the kubectl that hack/bench.sh measures,
# from the Go modules pinned in hack/testbin/,
# caches the binaries outside the repository, and prints the cache directory as
# the last line of stdout. Progress goes to stderr, so
#
#   SYSPOOL_TESTBIN=$(bash hack/testbin.sh) go test ./internal/kubetest/
#
# works. No binary is downloaded: a clean machine needs only Go and the module
# proxy. A cold build takes 10+ minutes on 2 cores; a cache hit takes a second.
set -euo pipefail

# A toolchain download is not possible here, and the binaries must be built by
# the Go that the rest of the project uses.
export GOTOOLCHAIN=local
# Static binaries: no C compiler needed, and the same flags upstream releases use.
export CGO_ENABLED=0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mods="$repo/hack/testbin"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/syspool-testbin"
binaries=(etcd kube-apiserver kube-scheduler kubectl)

log() { printf 'testbin: %s\n' "$*" >&2; }

# modversion GOMOD PATH prints the required version of module PATH in GOMOD.
# It reads the file as text so a cache hit needs no module graph.
modversion() {
	awk -v p="$2" '{ sub(/^require[ \t]+/, "") } $1 == p && $2 ~ /^v/ { print $2; exit }' "$1"
}

etcd_version=$(modversion "$mods/etcd/go.mod" go.etcd.io/etcd/server/v3)
kube_version=$(modversion "$mods/kube/go.mod" k8s.io/kubernetes)
if [[ -z $etcd_version || ! $kube_version =~ ^v1\.([0-9]+)\.[0-9]+$ ]]; then
	log "cannot read pinned versions (etcd '${etcd_version}', kubernetes '${kube_version}') from $mods/*/go.mod"
	exit 1
fi
kube_minor=${BASH_REMATCH[1]}

# kube-apiserver reports its version from these variables; unset, it claims
# v0.0.0-master and clients (kubectl, our CLI) see a meaningless server version.
# kubectl reports its own from client-go's copy of them.
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kube_ldflags+=" -X ${pkg}.gitVersion=${kube_version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${kube_minor}"
	kube_ldflags+=" -X ${pkg}.gitTreeState=clean"
done
etcd_ldflags="-s -w"
# -trimpath keeps this machine's paths out of the binaries; -buildvcs=false
# keeps the repository's git state out (it changes nothing that runs).
build_flags=(-trimpath -buildvcs=false)

sha256() {
	if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

# The key covers everything that changes the binaries: the module files (a pin
# or go.sum change rebuilds), the etcd shim, the Go version, the target and the
# flags. Versions lead the name so a person can tell cache entries apart.
go_version=$(go env GOVERSION)
goos_goarch="$(go env GOOS)-$(go env GOARCH)"
digest=$(
	{
		for f in etcd/go.mod etcd/go.sum etcd/main.go kube/go.mod kube/go.sum; do
			printf '== %s\n' "$f"
			cat "$mods/$f"
		done
		printf '== build\n%s %s cgo=%s\n%s\n%s\n%s\n%s\n' "$go_version" "$goos_goarch" "$CGO_ENABLED" \
			"${build_flags[*]}" "$etcd_ldflags" "$kube_ldflags" "${binaries[*]}"
	} | sha256 | cut -c1-16
)
key="etcd-${etcd_version}_kube-${kube_version}_${goos_goarch}_${digest}"
dest="$cache_root/$key"

complete() {
	local b
	for b in "${binaries[@]}"; do
		[[ -x "$1/$b" ]] || return 1
	done
}

if complete "$dest"; then
	log "cached: $dest"
	printf '%s\n' "$dest"
	exit 0
fi

mkdir -p "$cache_root"
# Two builds of the same key at once (parallel CI steps) would each spend
# 10 minutes; the lock makes the second wait and then find the cache.
if command -v flock >/dev/null; then
	exec 9>"$cache_root/.$key.lock"
	if ! flock -n 9; then
		log "another build of $key is running; waiting for it"
		flock 9
	fi
	if complete "$dest"; then
		log "cached: $dest"
		printf '%s\n' "$dest"
		exit 0
	fi
	# Holding the lock, any temp dir of this key is left over from a killed build.
	rm -rf "$cache_root/.tmp-$key".*
fi
# A destination that exists but is incomplete was damaged by hand (the rename
# below is atomic); replace it rather than fail on it forever.
if [[ -e $dest ]]; then
	log "removing incomplete $dest"
	rm -rf "$dest"
fi

# Build into a temp dir on the same file system and rename it into place at the
# end: an interrupted build never leaves a directory that looks complete.
tmp=$(mktemp -d "$cache_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # mktemp makes it private; the cache is meant to be shared

log "building into $dest (go $go_version, etcd $etcd_version, kubernetes $kube_version)"
start=$SECONDS

log "building etcd ${etcd_version}"
t0=$SECONDS
(cd "$mods/etcd" && go build "${build_flags[@]}" -ldflags "$etcd_ldflags" -o "$tmp/etcd" .)
log "etcd built in $((SECONDS - t0))s"

# One go build for all three commands so their shared packages compile once.
log "building kube-apiserver, kube-scheduler and kubectl ${kube_version} (the slow part)"
t0=$SECONDS
(cd "$mods/kube" && go build "${build_flags[@]}" -ldflags "$kube_ldflags" -o "$tmp/" \
	k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
log "kube-apiserver, kube-scheduler and kubectl built in $((SECONDS - t0))s"

{
	printf 'etcd %s\nkubernetes %s\ngo %s\ntarget %s\nbuilt %s\n' \
		"$etcd_version" "$kube_version" "$go_version" "$goos_goarch" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$tmp/VERSIONS"

complete "$tmp" || {
	log "build finished without all of: ${binaries[*]}"
	exit 1
}
# -T: never move the temp dir *into* an existing destination. Without flock a
# concurrent build may have won the race; its result is as good as ours.
if ! mv -T "$tmp" "$dest" 2>/dev/null; then
	complete "$dest" || {
		log "cannot move $tmp to $dest"
		exit 1
	}
	log "a concurrent build filled $dest first; using it"
fi
trap - EXIT
log "built in $((SECONDS - start))s: $dest"
printf '%s\n' "$dest"
