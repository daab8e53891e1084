#!/usr/bin/env bash
# Benchmarks of auditing a large AKS cluster's system node pool, against a generated cluster.
#
#   bash hack/bench.sh                 # 5,000 nodes, 150,000 pods, 40 pools: the AKS maximum
#   bash hack/bench.sh --small         # 200 nodes, 6,000 pods, 10 pools: what CI runs
#   bash hack/bench.sh --nodes N --pods N --pools N --seed N [--managed-fields] [--mem-limit GiB] [--regen]
#   bash hack/bench.sh ... --offline-only | --live-only [--apiserver-gomemlimit GiB]
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
# The live rows run against the same cluster loaded into a real etcd and kube-apiserver on
# loopback (hack/livebench up, binaries from hack/testbin.sh, which builds them on a clean
# machine). For each, the API server's own peak memory during that measurement is recorded too:
# its peak RSS (VmHWM) is reset through /proc/PID/clear_refs before the client starts and read
# when it ends, and the rise is that peak less its RSS just before. Never is an unchunked LIST of
# all pods sent: at full size it drives the API server into the OOM killer.
# --apiserver-gomemlimit GiB runs kube-apiserver with that GOMEMLIMIT, a soft limit that makes
# its garbage collector work harder instead of letting its RSS grow to twice its live heap (the
# watch cache: several GB at full size), for a machine with too little memory for both the
# control plane and the clients. By default it runs as shipped.
#
# Each row's wall time and peak RSS are printed as a ratio to its floor (the byte-moving floor
# for the offline rows, the paged JSON LIST for the live ones) and to its peer (jq as users write
# it for the offline audits, kubectl for syspool's live snapshot and the other way round).
#
# Rows:
#   aksgen               generating the capture (only when it is not cached)
#   floor                cat pods.json nodes.json | wc -c: reading the bytes, nothing else
#   jq (document)        the audit below as users write it: jq parses pods.json whole
#   jq (--stream)        the same audit over jq's streaming parser, one pod at a time
#   syspool check        the offline audit of the same files (SP013/SP014 against the planted pods)
#   live: load           loading the cluster into the API server (hack/livebench up; not a client)
#   live: paged LIST     the floor: GET /api/v1/pods?limit=500 following metadata.continue, JSON,
#                        streamed through encoding/json and counted, nothing else (hack/pagedlist)
#   live: syspool snapshot  `syspool snapshot` of the whole cluster through the live collectors,
#                        ARM answered by a loopback replay of the capture (hack/livebench syspool);
#                        checked by its counts and by SP013/SP014 over the snapshot, as planted
#   live: kubectl -o wide   `kubectl get pods -A -o wide`, the kubectl of hack/testbin.sh
# The check_* functions are called through measure's CHECK argument, and the single-quoted
# strings are jq and sh programs, not shell:
# shellcheck disable=SC2317,SC2016
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

nodes=5000 pods=150000 pools=40 seed=1 regen=0 mem_limit_gib='' mf='' offline=1 live=1 apiserver_limit_gib=''
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
	--offline-only) live=0; shift ;;
	--live-only) offline=0; shift ;;
	--apiserver-gomemlimit) apiserver_limit_gib=${2:?}; shift 2 ;;
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
live_pid=''
# The live control plane dies with hack/livebench (SIGTERM stops it; even a SIGKILL of livebench
# takes etcd and kube-apiserver with it), so stopping that one process is enough.
stop_live() {
	if [ -n "$live_pid" ]; then
		kill -TERM "$live_pid" 2>/dev/null || true
		wait "$live_pid" 2>/dev/null || true
		live_pid=''
	fi
}
trap 'stop_live; rm -rf "$work"' EXIT

go build -o "$work/aksgen" ./hack/aksgen
"$work/aksgen" --nodes "$nodes" --pods "$pods" --pools "$pools" --seed "$seed" --expect >"$work/expect.json"

rows=()
failed=0
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# Per row label: wall seconds and peak RSS in KiB, for the ratios; the servers' memory.
declare -A secs=() kib=() server=()
# Set while the live control plane runs: the processes whose memory each measurement records.
apiserver_pid='' etcd_pid=''

# proc_kib PID FIELD prints a /proc/PID/status field (VmRSS, VmHWM) in KiB.
proc_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

# measure LABEL CHECK -- CMD...: runs CMD under GNU time with the memory cap, stdout to
# $work/LABEL.out, and adds a table row. CHECK is a function that judges the output (prints the
# result column, returns non-zero when the answer is wrong) or "-" for none. While the live
# control plane runs, the peak memory of kube-apiserver and etcd during CMD is recorded as well.
measure() {
	local label=$1 check=$2
	shift 3
	local slug=${label//[^a-zA-Z0-9]/_}
	local out="$work/$slug.out" tim="$work/$slug.time" status=0 p
	local -A before=()
	local alloc_before=''
	if [ -n "$apiserver_pid" ]; then
		alloc_before=$("$work/livebench" allocated --kubeconfig "$state/kubeconfig") || die "read the API server's /metrics"
	fi
	for p in $apiserver_pid $etcd_pid; do
		# Writing 5 resets the peak RSS (VmHWM) to the current RSS (Linux 4.0 and later).
		echo 5 >"/proc/$p/clear_refs" || die "cannot reset the peak RSS of process $p (/proc/$p/clear_refs)"
		before[$p]=$(proc_kib "$p" VmRSS)
	done
	(ulimit -v $((mem_limit_gib * 1048576)) && exec /usr/bin/time -v -o "$tim" "$@") >"$out" 2>"$work/$slug.err" || status=$?
	if [ -n "$apiserver_pid" ]; then
		local a=$apiserver_pid e=$etcd_pid ap ep alloc_after
		ap=$(proc_kib "$a" VmHWM) ep=$(proc_kib "$e" VmHWM)
		alloc_after=$("$work/livebench" allocated --kubeconfig "$state/kubeconfig") || die "read the API server's /metrics"
		server[$label]=$(awk -v ab="${before[$a]}" -v ap="$ap" -v eb="${before[$e]}" -v ep="$ep" -v al=$((alloc_after - alloc_before)) \
			'BEGIN {printf "%.0f (%+.0f), %.0f alloc / %.0f (%+.0f)", ap / 1024, (ap - ab) / 1024, al / 1048576, ep / 1024, (ep - eb) / 1024}')
	fi
	local wall rss result
	secs[$label]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$tim")
	kib[$label]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tim")
	wall=$(printf '%.2f s' "${secs[$label]}")
	rss=$(awk -v k="${kib[$label]}" 'BEGIN {printf "%.0f MiB", k / 1024}')
	if [ "$status" != 0 ]; then
		# No ratios for a run that did not finish.
		unset 'secs[$label]' 'kib[$label]'
	fi
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
	printf 'bench: %-24s %10s %12s  %s%s\n' "$label" "$wall" "$rss" "$result" "${server[$label]:+; kube-apiserver / etcd MiB: ${server[$label]}}" >&2
}

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
[ "$offline" = 0 ] || measure "floor" check_floor -- sh -c 'cat "$1" "$2" | wc -c' sh "$dir/pods.json" "$dir/nodes.json"

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
if [ "$offline" = 1 ]; then
	measure "jq (document)" check_audit -- jq -r --slurpfile nodes "$dir/nodes.json" -f "$work/audit-document.jq" "$dir/pods.json"
	measure "jq (--stream)" check_audit -- jq -rn --stream --slurpfile nodes "$dir/nodes.json" -f "$work/audit-stream.jq" "$dir/pods.json"
fi

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
[ "$offline" = 0 ] || measure "syspool check" check_syspool -- sh -c '"$@"; rc=$?; [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]' sh \
	"$work/syspool" check "$dir" -o json --fail-on none --now 2026-11-27

# --- live -------------------------------------------------------------------------------------
# The same cluster in a real etcd and kube-apiserver: hack/livebench up loads it (internal/gen's
# Load, as `aksgen --kubeconfig` does) and keeps them running until it is stopped.
check_list() {
	if ! grep -qx "$pods items in [0-9]* pages" "$1"; then
		echo "WRONG: $(cat "$1"), want $pods items"
		return 1
	fi
	cat "$1"
}
# The snapshot is judged by its counts (syspool prints them) and by SP013/SP014 over it, which
# must name the planted workloads exactly as the offline row does. Only those two rules run (a
# policy that disables the rest), so the check costs seconds at any size and is not measured.
check_snapshot() {
	local counts
	counts=$(sed -n 's/^Wrote .*, \([0-9]*\) pools, \([0-9]*\) nodes, \([0-9]*\) pods from .*/\1 pools, \2 nodes, \3 pods/p' "$work/live__syspool_snapshot.err")
	if [ "$counts" != "$pools pools, $nodes nodes, $pods pods" ]; then
		echo "WRONG: the snapshot holds [$counts], want $pools pools, $nodes nodes, $pods pods"
		return 1
	fi
	printf 'apiVersion: syspool.io/v1\nkind: Policy\ndisable: ["*"]\nenable: [SP013, SP014]\n' >"$work/sp013-sp014.yaml"
	local rc=0
	"$work/syspool" check "$work/live-snapshot.json" --policy "$work/sp013-sp014.yaml" -o json --fail-on none \
		--now 2026-11-27 >"$work/live-check.json" 2>"$work/live-check.err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
		echo "WRONG: syspool check of the live snapshot failed (exit $rc): $(head -c 160 "$work/live-check.err")"
		return 1
	fi
	local found
	found=$(check_syspool "$work/live-check.json") || { echo "$found"; return 1; }
	echo "$counts; SP013/SP014 over it: $found"
}
check_kubectl() {
	local got=$(($(wc -l <"$1") - 1))
	if [ "$got" != "$pods" ]; then
		echo "WRONG: $got pods listed, want $pods"
		return 1
	fi
	echo "$got pods listed"
}

if [ "$live" = 1 ]; then
	testbin=$(bash hack/testbin.sh | tail -n 1) || die "hack/testbin.sh could not build etcd, kube-apiserver and kubectl"
	go build -o "$work/livebench" ./hack/livebench || die "build hack/livebench"
	go build -o "$work/pagedlist" ./hack/pagedlist || die "build hack/pagedlist"
	state="$work/live"
	mkdir -p "$state"
	"$work/livebench" up --testbin "$testbin" --state "$state" ${apiserver_limit_gib:+--apiserver-gomemlimit "${apiserver_limit_gib}GiB"} \
		--nodes "$nodes" --pods "$pods" --pools "$pools" --seed "$seed" 2>"$work/livebench.log" &
	live_pid=$!
	printf 'bench: loading the cluster into kube-apiserver (log: %s)\n' "$work/livebench.log" >&2
	while [ ! -f "$state/ready" ]; do
		if ! kill -0 "$live_pid" 2>/dev/null; then
			tail -n 30 "$work/livebench.log" >&2
			die "hack/livebench up stopped before the cluster was loaded"
		fi
		sleep 1
	done
	apiserver_pid=$(cat "$state/apiserver.pid") etcd_pid=$(cat "$state/etcd.pid")
	# The control plane now holds gigabytes (at full size): cap the clients by what is left.
	left_gib=$(awk '/^MemAvailable:/ {printf "%d", $2 * 0.8 / 1048576}' /proc/meminfo)
	if [ "$left_gib" -lt "$mem_limit_gib" ]; then
		printf 'bench: memory cap lowered to %s GiB for the live clients (80%% of what the loaded control plane left)\n' "$left_gib" >&2
		mem_limit_gib=$left_gib
	fi
	load_s=$(sed -n 's/^load_seconds=//p' "$state/ready")
	grep -E '^livebench: (etcd ready|loaded)' "$work/livebench.log" >&2
	rows+=("live: load|$(printf '%.2f s' "$load_s")|-|kube-apiserver${apiserver_limit_gib:+ (GOMEMLIMIT ${apiserver_limit_gib} GiB)} RSS $(($(proc_kib "$apiserver_pid" VmRSS) / 1024)) MiB, etcd RSS $(($(proc_kib "$etcd_pid" VmRSS) / 1024)) MiB after loading (no client measured)")

	# The ARM identity of the capture, which the replayed ARM answers for.
	cluster_id=$(jq -r .id "$dir/cluster.json")
	IFS=/ read -r _ _ subscription _ resource_group _ _ _ cluster_name <<<"$cluster_id"

	measure "live: paged LIST" check_list -- "$work/pagedlist" --server "$(cat "$state/server")" \
		--token-file "$state/token" --ca-file "$state/ca.crt" --limit 500
	measure "live: syspool snapshot" check_snapshot -- "$work/livebench" syspool --az "$dir" -- snapshot \
		--subscription "$subscription" -g "$resource_group" --cluster-name "$cluster_name" \
		--kubeconfig "$state/kubeconfig" -f "$work/live-snapshot.json"
	# Not a row: the same collection, seal and encoding once more, stage by stage, to say where
	# syspool's peak goes (collector, snapshot model, encoder).
	"$work/livebench" memory --az "$dir" --kubeconfig "$state/kubeconfig" >"$work/anatomy.txt" 2>&1 ||
		die "livebench memory: $(cat "$work/anatomy.txt")"
	sed 's/^/bench: syspool snapshot, stage by stage: /' "$work/anatomy.txt" >&2
	measure "live: kubectl -o wide" check_kubectl -- "$testbin/kubectl" --kubeconfig "$state/kubeconfig" get pods -A -o wide
	stop_live
	apiserver_pid='' etcd_pid=''
fi

# --- report -------------------------------------------------------------------------------------
# ratio A B prints "wall / RSS" of row A as multiples of row B's, or nothing when either was not
# measured (cached, out of memory, not run).
ratio() {
	[ -n "${secs[$1]:-}" ] && [ -n "${secs[$2]:-}" ] || return 0
	awk -v a="${secs[$1]}" -v b="${secs[$2]}" -v ka="${kib[$1]}" -v kb="${kib[$2]}" \
		'BEGIN {printf "%sx / %sx", (b > 0 ? sprintf("%.2f", a / b) : "inf"), sprintf("%.2f", ka / kb)}'
}
declare -A floor_of=([jq \(document\)]=floor [jq \(--stream\)]=floor [syspool check]=floor
	[live: syspool snapshot]="live: paged LIST" [live: kubectl -o wide]="live: paged LIST")
declare -A peer_of=([jq \(--stream\)]="jq (document)" [syspool check]="jq (document)"
	[live: syspool snapshot]="live: kubectl -o wide" [live: kubectl -o wide]="live: syspool snapshot")

printf '\n## syspool bench: %d nodes, %d pods, %d pools, seed %d%s\n\n' "$nodes" "$pods" "$pools" "$seed" "${mf:+, managed fields}"
printf 'machine: %s CPUs (%s), %s memory, load average %s at the start, %s at the end; jq %s; memory cap %s GiB\n' \
	"$(nproc)" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
	"$(free -h | awk '/^Mem:/ {print $2}')" "$load_start" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(jq --version)" "$mem_limit_gib"
printf 'capture: %s (pods.json %d bytes, %d bytes per pod; nodes.json %d bytes)\n' \
	"$dir" "$pods_bytes" $((pods_bytes / pods)) "$nodes_bytes"
printf 'ratios are wall time / peak RSS as multiples of the floor (offline rows: floor; live rows: live: paged LIST) and of the peer named\n\n'
printf '| %-24s | %10s | %10s | %-17s | %-38s | %-42s | %s\n' measurement "wall time" "peak RSS" "vs floor" "vs peer" \
	"kube-apiserver / etcd MiB" result
printf '|%s|%s|%s|%s|%s|%s|%s\n' "$(printf -- '-%.0s' {1..26})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..12})" \
	"$(printf -- '-%.0s' {1..19})" "$(printf -- '-%.0s' {1..40})" "$(printf -- '-%.0s' {1..44})" "--------"
for row in "${rows[@]}"; do
	IFS='|' read -r label wall rss result <<<"$row"
	vs_floor='' vs_peer=''
	[ -z "${floor_of[$label]:-}" ] || vs_floor=$(ratio "$label" "${floor_of[$label]}")
	if [ -n "${peer_of[$label]:-}" ]; then
		vs_peer=$(ratio "$label" "${peer_of[$label]}")
		[ -z "$vs_peer" ] || vs_peer="$vs_peer ${peer_of[$label]#live: }"
	fi
	printf '| %-24s | %10s | %10s | %-17s | %-38s | %-42s | %s\n' "$label" "$wall" "$rss" "$vs_floor" "$vs_peer" \
		"${server[$label]:-}" "$result"
done
if [ "$live" = 1 ]; then
	printf '\n`syspool snapshot` stage by stage (hack/livebench memory: the same collection, seal and encoding, peak RSS per stage):\n\n'
	sed 's/^/    /' "$work/anatomy.txt"
	printf '\nkube-apiserver / etcd MiB: each server'"'"'s peak RSS during the measurement (its VmHWM, reset just before), with the rise over its RSS just before in parentheses;\n'
	printf 'alloc: what kube-apiserver allocated during the measurement (go_memstats_alloc_bytes_total), which its garbage collector must absorb whatever the RSS did.\n'
fi
exit "$failed"
