#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script). It installs or builds
# everything the tests need on a clean machine with only Go: staticcheck, and a real etcd and
# kube-apiserver built from Go modules (cached by version pins, so later runs take seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

step() { printf '\n== %s\n' "$*" >&2; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cache="${XDG_CACHE_HOME:-$HOME/.cache}/syspool-tools"
mkdir -p "$cache/bin"
export PATH="$cache/bin:$PATH"

step "tools"
staticcheck_version=v0.8.2
if ! "$cache/bin/staticcheck" -version 2>/dev/null | grep -q "${staticcheck_version#v}"; then
  GOBIN="$cache/bin" go install "honnef.co/go/tools/cmd/staticcheck@${staticcheck_version}"
fi

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './hack/testbin/*'))
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

step "go mod tidy (no drift)"
go mod tidy -diff || fail "go.mod/go.sum are not tidy: run 'go mod tidy'"

step "go vet"
go vet ./...

step "staticcheck"
staticcheck ./...

step "generated docs (no drift)"
go run ./cmd/syspool rules list -o markdown | diff -u docs/rules.md - || fail "docs/rules.md is stale: run 'go run ./cmd/syspool rules list -o markdown > docs/rules.md'"

step "real etcd + kube-apiserver for the integration tests"
SYSPOOL_TESTBIN=$(bash hack/testbin.sh | tail -n 1)
export SYSPOOL_TESTBIN SYSPOOL_REQUIRE_INTEGRATION=1

step "go test -race"
go test -race -count=1 ./...

step "benchmark script, small preset (so it cannot rot; numbers are not asserted)"
bash hack/bench.sh --small

step "README commands work"
go run ./cmd/syspool check examples/healthy --now 2026-11-27 >/dev/null || fail "syspool check examples/healthy must exit 0"
printf '\nall checks passed\n' >&2
