#!/usr/bin/env bash
# Benchmarks of auditing a large AKS cluster's system node pool, against a generated cluster.
#
#   bash hack/bench.sh                 # 5,000 nodes, 150,000 pods, 40 pools: the AKS maximum
#   bash hack/bench.sh --small         # 200 nodes, 6,000 pods, 10 pools: what CI runs
#   bash hack/bench.sh --nodes N --pods N --pools N --seed N [--managed-fields] [--mem-limit GiB] [--regen]
#
# --managed-fields writes the pods as `kubectl get -o json --show-managed-fields` prints them,
# with the managed fields an API server records (about 2.3 times the bytes).
#
# It generates the cluster with hack/aksgen into a cache directory (reused while the generator's
# source is unchanged), then measures each way of auditing it with GNU time: wall time and peak
# RSS. Peak RSS is the largest single process of a measurement (getrusage's ru_maxrss of the
# children), not the sum over a pipeline. Each tool's findings are checked against what the
# generator planted (`aksgen --expect`); a wrong answer fails the script, an out-of-memory is
# recorded as a result. docs/performance.md has the method and the numbers.
#
# Rows:
#   aksgen               generating the capture (only when it is not cached)
#   floor                cat pods.json nodes.json | wc -c: reading the bytes, nothing else
#   jq (document)        the audit below as users write it: jq parses pods.json whole
#   jq (--stream)        the same audit over jq's streaming parser, one pod at a time
#   syspool check        the offline audit of the same files (SP013/SP014 against the planted pods)
#   live: ...            SLOTS: the same cluster loaded into a kube-apiserver (not wired yet)
# The check_* functions are called through measure's CHECK argument, and the single-quoted
# strings are jq and sh programs, not shell:
# shellcheck disable=SC2317,SC2016
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

nodes=5000 pods=150000 pools=40 seed=1 regen=0 mem_limit_gib='' mf=''
while [ $# -gt 0 ]; do
	case $1 in
	--nodes) nodes=${2:?}; shift 2 ;;
	--pods) pods=${2:?}; shift 2 ;;
	--pools) pools=${2:?}; shift 2 ;;
	--seed) seed=${2:?}; shift 2 ;;
	--small) nodes=200 pods=6000 pools=10; shift ;;
	--mem-limit) mem_limit_gib=${2:?}; shift 2 ;;
	--regen) regen=1; shift ;;
	--managed-fields) mf=--managed-fields; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done

# Tools: GNU time (not the shell keyword) for peak RSS, Debian's jq for the audit users run.
install_pkg() {
	if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
		die "$1 is missing; install the Debian package $1"
	fi
	printf 'bench: installing %s\n' "$1" >&2
	apt-get install -y -q "$1" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$1" >/dev/null; }
}
[ -x /usr/bin/time ] || install_pkg time
command -v jq >/dev/null || install_pkg jq

# Whole-document jq on a 1 GB file needs more memory than many machines have. Cap every measured
# process's address space so a run that needs more fails cleanly ("out of memory") instead of
# dragging the machine into the OOM killer. Default: 80% of the memory available at start.
if [ -z "$mem_limit_gib" ]; then
	mem_limit_gib=$(awk '/^MemAvailable:/ {printf "%d", $2 * 0.8 / 1048576}' /proc/meminfo)
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/syspool-bench"
# The cache key includes a hash of the generator's source, so a changed generator regenerates.
gen_hash=$(cat internal/gen/*.go hack/aksgen/*.go | sha256sum | cut -c1-12)
dir="$cache/nodes${nodes}-pods${pods}-pools${pools}-seed${seed}${mf:+-mf}-gen${gen_hash}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/aksgen" ./hack/aksgen
"$work/aksgen" --nodes "$nodes" --pods "$pods" --pools "$pools" --seed "$seed" --expect >"$work/expect.json"

rows=()
failed=0

# measure LABEL CHECK -- CMD...: runs CMD under GNU time with the memory cap, stdout to
# $work/LABEL.out, and adds a table row. CHECK is a function that judges the output (prints the
# result column, returns non-zero when the answer is wrong) or "-" for none.
measure() {
	local label=$1 check=$2
	shift 3
	local slug=${label//[^a-zA-Z0-9]/_}
	local out="$work/$slug.out" tim="$work/$slug.time" status=0
	(ulimit -v $((mem_limit_gib * 1048576)) && exec /usr/bin/time -v -o "$tim" "$@") >"$out" 2>"$work/$slug.err" || status=$?
	local wall rss result
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f s", s}' "$tim")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2 / 1024}' "$tim")
	if [ "$status" != 0 ]; then
		if grep -qiE 'out of memory|cannot allocate|memory exhausted|bad_alloc' "$work/$slug.err"; then
			result="out of memory (cap ${mem_limit_gib} GiB)"
		else
			result="failed (exit $status): $(head -c 160 "$work/$slug.err" | tr '\n' ' ')"
			failed=1
		fi
	elif [ "$check" = - ]; then
		result=ok
	elif ! result=$("$check" "$out"); then
		failed=1
	fi
	rows+=("$label|$wall|$rss|$result")
	printf 'bench: %-22s %10s %12s  %s\n' "$label" "$wall" "$rss" "$result" >&2
}

slot() { rows+=("$1|-|-|SLOT: $2"); }

# --- the capture ------------------------------------------------------------------------------
if [ "$regen" = 1 ] || [ ! -f "$dir/.complete" ]; then
	# A full capture is 1.7 GB: drop those an older generator wrote for the same parameters.
	rm -rf "${dir%-gen*}"-gen* "$dir"
	mkdir -p "$dir"
	measure "aksgen" - -- "$work/aksgen" --nodes "$nodes" --pods "$pods" --pools "$pools" --seed "$seed" $mf --out "$dir"
	touch "$dir/.complete"
else
	rows+=("aksgen|-|-|cached in $dir")
fi
grep -hE 'bytes|wrote' "$work/aksgen.err" >&2 2>/dev/null || true
pods_bytes=$(stat -c %s "$dir/pods.json")
nodes_bytes=$(stat -c %s "$dir/nodes.json")
# Every row reads warm files: the page cache holds them after this.
cat "$dir/pods.json" "$dir/nodes.json" >/dev/null

# --- the byte-moving floor --------------------------------------------------------------------
check_floor() {
	local want=$((pods_bytes + nodes_bytes))
	if [ "$(cat "$1")" != "$want" ]; then
		echo "read $(cat "$1") bytes, want $want"
		return 1
	fi
	echo "$want bytes"
}
measure "floor" check_floor -- sh -c 'cat "$1" "$2" | wc -c' sh "$dir/pods.json" "$dir/nodes.json"

# --- jq -----------------------------------------------------------------------------------------
# The audit, per pod, against the set of system nodes (nodes carrying the AKS label
# kubernetes.azure.com/mode=system, from nodes.json, which is small enough to slurp):
#   kube-system-off-system  a kube-system pod not owned by a DaemonSet, scheduled on a node that
#                           is not a system node (its add-on should run on the system pool);
#   other-on-system         a pod outside kube-system scheduled on a system node.
# Each finding is one tab-separated line: kind, namespace/name, node. The per-pod filter never
# looks at more than one pod, so the same program runs over the whole document (`.items[]`, how
# users write it) and over jq's streaming parser (--stream with fromstream, how they rewrite it
# when the first one runs out of memory).
cat >"$work/audit.jq" <<'JQ'
def system_nodes:
  reduce ($nodes[0].items[]
          | select(.metadata.labels["kubernetes.azure.com/mode"] == "system")
          | .metadata.name) as $n ({}; .[$n] = true);
def audit($sys):
  (any(.metadata.ownerReferences[]?; .kind == "DaemonSet")) as $ds
  | .spec.nodeName as $node
  | select($node != null)
  | if .metadata.namespace == "kube-system" then
      select(($ds | not) and ($sys[$node] | not))
      | "kube-system-off-system\t\(.metadata.namespace)/\(.metadata.name)\t\($node)"
    else
      select($sys[$node])
      | "other-on-system\t\(.metadata.namespace)/\(.metadata.name)\t\($node)"
    end;
JQ
{ cat "$work/audit.jq"; echo 'system_nodes as $sys | .items[] | audit($sys)'; } >"$work/audit-document.jq"
{ cat "$work/audit.jq"; echo 'system_nodes as $sys | fromstream(2 | truncate_stream(inputs | select(.[0][0] == "items"))) | audit($sys)'; } >"$work/audit-stream.jq"

# check_audit compares the findings with what the generator planted.
check_audit() {
	local got want
	got=$(awk -F'\t' '{print $1 "\t" $2}' "$1" | sort)
	want=$(jq -r '(.KubeSystemOffSystem // [])[] | "kube-system-off-system\t" + .' "$work/expect.json"
		jq -r '(.OthersOnSystem // [])[] | "other-on-system\t" + .' "$work/expect.json")
	want=$(sort <<<"$want")
	if [ "$got" != "$want" ]; then
		echo "WRONG: $(wc -l <"$1") findings, want $(grep -c . <<<"$want")"
		return 1
	fi
	echo "$(grep -c '^kube-system-off-system' "$1") kube-system off system + $(grep -c '^other-on-system' "$1") others on system nodes: as planted"
}
measure "jq (document)" check_audit -- jq -r --slurpfile nodes "$dir/nodes.json" -f "$work/audit-document.jq" "$dir/pods.json"
measure "jq (--stream)" check_audit -- jq -rn --stream --slurpfile nodes "$dir/nodes.json" -f "$work/audit-stream.jq" "$dir/pods.json"

# --- syspool, offline -------------------------------------------------------------------------
# The same audit from syspool's JSON report: SP013 (kube-system workloads off system nodes) and
# SP014 (application workloads on system nodes) name workloads, so the planted pods are compared by
# the workload that owns them (pod name less its ReplicaSet hash and suffix).
go build -o "$work/syspool" ./cmd/syspool || die "build syspool"
check_syspool() {
	local got want
	got=$(jq -r '.findings[] | select(.status == "fail" and (.ruleId == "SP013" or .ruleId == "SP014"))
		| (if .ruleId == "SP013" then "kube-system-off-system" else "other-on-system" end)
		+ "\t" + .resource.namespace + "/" + (.resource.name | split("/") | last)' "$1" | sort -u)
	want=$(jq -r '((.KubeSystemOffSystem // [])[] | "kube-system-off-system\t" + (split("-")[:-2] | join("-"))),
		((.OthersOnSystem // [])[] | "other-on-system\t" + (split("-")[:-2] | join("-")))' "$work/expect.json" | sort -u)
	if [ "$got" != "$want" ]; then
		echo "WRONG: got [$(tr '\n\t' '; ' <<<"$got")], want [$(tr '\n\t' '; ' <<<"$want")]"
		return 1
	fi
	echo "$(grep -c . <<<"$got") workloads, as planted"
}
# --fail-on none: findings are the point here, so exit 1 must not read as a failed run; exit 3
# (some rules not evaluated) is accepted too.
measure "syspool check" check_syspool -- sh -c '"$@"; rc=$?; [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]' sh \
	"$work/syspool" check "$dir" -o json --fail-on none --now 2026-11-27

# --- live -------------------------------------------------------------------------------------
# SLOTS, to fill once the live collector lands. Start etcd and kube-apiserver from
# hack/testbin.sh, load the same cluster with
#   "$work/aksgen" --nodes "$nodes" --pods "$pods" --pools "$pools" --seed "$seed" --kubeconfig KUBECONFIG
# (internal/gen.Load: bounded concurrency, statuses through the status subresource), then measure
#   syspool snapshot (live)       the live collector's snapshot of the cluster
#   kubectl get pods -A -o wide   what users run today
#   paged JSON LIST               curl of /api/v1/pods?limit=500 following metadata.continue
slot "live: syspool snapshot" "pending the live collector"
slot "live: kubectl -o wide" "pending the live harness (load with aksgen --kubeconfig)"
slot "live: paged LIST" "pending the live harness"

# --- report -------------------------------------------------------------------------------------
printf '\n## syspool bench: %d nodes, %d pods, %d pools, seed %d%s\n\n' "$nodes" "$pods" "$pools" "$seed" "${mf:+, managed fields}"
printf 'machine: %s CPUs (%s), %s memory, load average %s; jq %s; memory cap %s GiB\n' \
	"$(nproc)" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
	"$(free -h | awk '/^Mem:/ {print $2}')" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(jq --version)" "$mem_limit_gib"
printf 'capture: %s (pods.json %d bytes, %d bytes per pod; nodes.json %d bytes)\n\n' \
	"$dir" "$pods_bytes" $((pods_bytes / pods)) "$nodes_bytes"
printf '| %-24s | %10s | %12s | %s\n' measurement "wall time" "peak RSS" result
printf '|%s|%s|%s|%s\n' "$(printf -- '-%.0s' {1..26})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..14})" "--------"
for row in "${rows[@]}"; do
	IFS='|' read -r label wall rss result <<<"$row"
	printf '| %-24s | %10s | %12s | %s\n' "$label" "$wall" "$rss" "$result"
done
exit "$failed"
