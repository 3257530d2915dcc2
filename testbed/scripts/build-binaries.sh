#!/usr/bin/env bash
# Builds the testbed's Kubernetes binaries from pinned Go modules into a versioned cache directory and
# prints that directory on stdout (progress goes to stderr). Rebuilds only when a pin in versions.env
# changes; a complete cache returns at once. Nothing is downloaded at test time: tests only read the cache.
#
#   kube-apiserver, kube-controller-manager, kube-scheduler   k8s.io/kubernetes at $K8S_VERSION
#   etcd                                                     go.etcd.io/etcd/server/v3 at $ETCD_VERSION
#   kwok, kwokctl                                            sigs.k8s.io/kwok at $KWOK_VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
cache_root=${QONNECT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qonnect}
out="$cache_root/testbed/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
bins=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok kwokctl)

complete() { for b in "${bins[@]}"; do [ -x "$out/bin/$b" ] || return 1; done; }
if complete; then echo "$out"; exit 0; fi

command -v go >/dev/null || { echo "testbed: 'go' is not on PATH (needed once to build the Kubernetes binaries)" >&2; exit 1; }
log() { printf '[testbed build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$out/bin" "$out/src"
# One build at a time per cache directory (CI and a developer shell may race).
exec 9>"$out/.lock"
flock 9
if complete; then echo "$out"; exit 0; fi
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

# --- Kubernetes control plane -------------------------------------------------------------------------
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging paths that do
# not exist outside its repository. The wrapper module replaces each with its published v0.<minor>.<patch>.
k8s="$out/src/kubernetes"
mkdir -p "$k8s"
minor_patch=${K8S_VERSION#v1.}
log "fetching k8s.io/kubernetes@$K8S_VERSION go.mod"
(cd "$k8s" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null)
upstream_mod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.mod"
{
  echo "module qonnect.io/testbed/kubernetes"
  echo
  grep -E '^go [0-9.]+$' "$upstream_mod"
  grep -E '^godebug ' "$upstream_mod" || true
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" { printf "\t%s => %s v0.%s\n", $1, $1, "'"$minor_patch"'" }' "$upstream_mod" | sort -u
  echo ")"
} > "$k8s/go.mod"
log "resolving $(grep -c '=>' "$k8s/go.mod") staging modules at v0.$minor_patch (first run downloads ~1 GB of modules)"
(cd "$k8s" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" >&2)
pkg=k8s.io/component-base/version
cgv=k8s.io/client-go/pkg/version
major=1; minor=${minor_patch%%.*}
ldflags="-s -w"
for p in $pkg $cgv; do
  ldflags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  ldflags+=" -X $p.buildDate=1970-01-01T00:00:00Z"
done
for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
  log "building $cmd (several minutes each on 2 cores)"
  (cd "$k8s" && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" \
      -o "$out/bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" && mv "$out/bin/$cmd.tmp" "$out/bin/$cmd")
done

# --- etcd ------------------------------------------------------------------------------------------------
# `go install go.etcd.io/etcd/v3@...` fails on etcd's replace directives; a wrapper main works.
etcd="$out/src/etcd"
mkdir -p "$etcd"
cat > "$etcd/go.mod" <<MOD
module qonnect.io/testbed/etcd

go 1.24
MOD
cat > "$etcd/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
log "building etcd $ETCD_VERSION"
(cd "$etcd" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2 && go mod tidy >&2 \
   && go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd.tmp" . && mv "$out/bin/etcd.tmp" "$out/bin/etcd")

# --- KWOK ------------------------------------------------------------------------------------------------
log "building kwok and kwokctl $KWOK_VERSION"
GOBIN="$out/bin" GOFLAGS= go install -trimpath -ldflags "-s -w" \
  "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION" >&2

complete || { log "build finished but a binary is missing in $out/bin"; exit 1; }
log "done in $(( $(date +%s) - start )) s: $out/bin"
echo "$out"
