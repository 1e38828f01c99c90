#!/usr/bin/env bash
# cost.sh: golifecheck's cost against plain go vet, in the cache states users
# meet, on each Go release named; the method behind docs/cost.md.
#
# usage: scripts/cost.sh [-n RUNS] [-go "RELEASE..."] [-warm] [-o DIR] TARGET...
#   TARGET    demo (this repository's demo module), or MODULE@VERSION (a module
#             from the module proxy, e.g. github.com/prometheus/client_golang@v1.23.2)
#   -n RUNS   runs of each tool in each state (default 3); the table gives medians
#   -go LIST  Go releases, as GOTOOLCHAIN values (default "local": the installed
#             go; "local go1.27.3" adds Go 1.27.3, downloaded by the go command)
#   -warm     start from the current GOCACHE instead of an empty one, and so
#             measure only the "changed" and "cached" states (CI's quick run)
#   -o DIR    keep the raw measurements in DIR/runs.tsv (default: a temp dir)
#
# For each release, golifecheck is built with that release. Then, for each run
# and each of the three tools in turn (A/B alternation: a change in the
# machine's load falls on all three alike):
#   vet         go vet ./...
#   vettool     go vet -vettool=golifecheck ./...
#   standalone  golifecheck ./...
# the target is copied to a scratch directory (a module from the module cache)
# and, with a GOCACHE of its own, run three times:
#   empty    the GOCACHE is empty: the standard library and every dependency
#            are compiled, as after a fresh install of Go or on a CI machine
#            with no cache
#   changed  a comment is appended to one file of the module (its first
#            package's first file): the standard library and dependencies
#            are cached, the changed package and its importers are analyzed
#            again, as in an edit-and-rerun loop
#   cached   nothing changed: every result comes from go vet's cache
# each under /usr/bin/time -v (wall clock, and the peak resident set of the
# largest process of the run, go vet's, the compiler's or the vet tool's).
# Findings do not fail a run (go vet exits 1, golifecheck 3); another status
# does (it is printed, and the script exits 1 at the end).
#
# Output: a markdown table, per target, release and state: each tool's median
# wall time and peak RSS, and golifecheck's ratios to go vet's medians.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

runs=3 releases=local warm=0 out=""
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-go) releases=$2; shift 2 ;;
	-warm) warm=1; shift ;;
	-o) out=$2; shift 2 ;;
	-h|-help|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "cost.sh: unknown flag $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: scripts/cost.sh [-n RUNS] [-go \"RELEASE...\"] [-warm] [-o DIR] TARGET..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "cost.sh: needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
out=${out:-$scratch/out}
mkdir -p "$out"
tsv=$out/runs.tsv
printf 'target\trelease\tstate\ttool\trun\twall_s\trss_kb\tstatus\n' >"$tsv"
failed=0

# copy TARGET into $1 (a fresh directory); print the directory of its module.
copy_target() {
	local target=$1 dst=$2
	if [ "$target" = demo ]; then
		cp -r "$root/demo" "$dst/mod"
	else
		local dir
		dir=$(GOFLAGS=-mod=mod go mod download -json "$target" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -n "$dir" ] || { echo "cost.sh: go mod download $target gave no directory" >&2; return 1; }
		cp -r "$dir" "$dst/mod"
		chmod -R u+w "$dst/mod"
	fi
	echo "$dst/mod"
}

# measure TARGET RELEASE STATE TOOL RUN DIR CMD...: run CMD in DIR under
# /usr/bin/time -v and append a line to the table.
measure() {
	local target=$1 release=$2 state=$3 tool=$4 run=$5 dir=$6
	shift 6
	local tf=$scratch/time.txt status=0
	(cd "$dir" && /usr/bin/time -v -o "$tf" "$@" >"$scratch/cmd.out" 2>&1) || status=$?
	# go vet exits 1 with findings, golifecheck 3; anything else is a failed run.
	case "$tool:$status" in
	*:0 | vet:1 | vettool:1 | standalone:3) ;;
	*) failed=1; echo "cost.sh: $target $release $state $tool: exit status $status" >&2; tail -20 "$scratch/cmd.out" >&2 ;;
	esac
	local wall rss
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tf" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tf")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$release" "$state" "$tool" "$run" "$wall" "$rss" "$status" >>"$tsv"
	printf '  %-10s %-8s %-10s run %s: %6.2f s %7d KB (exit %s)\n' "$release" "$state" "$tool" "$run" "$wall" "$rss" "$status" >&2
}

for release in $releases; do
	bin=$scratch/golifecheck-$release
	(cd "$root" && GOTOOLCHAIN=$release go build -o "$bin" ./cmd/golifecheck)
	goversion=$(GOTOOLCHAIN=$release go env GOVERSION)
	for target in "$@"; do
		echo "== $target, $goversion" >&2
		for run in $(seq "$runs"); do
			for tool in vet vettool standalone; do
				case $tool in
				vet) cmd=(go vet ./...) ;;
				vettool) cmd=(go vet "-vettool=$bin" ./...) ;;
				standalone) cmd=("$bin" ./...) ;;
				esac
				work=$scratch/work
				rm -rf "$work"; mkdir -p "$work"
				mod=$(copy_target "$target" "$work")
				file=$(cd "$mod" && GOTOOLCHAIN=$release go list -f '{{if .GoFiles}}{{.Dir}}/{{index .GoFiles 0}}{{end}}' ./... | sed -n 1p)
				if [ $warm = 1 ]; then
					# prime the current GOCACHE for this copy, unmeasured
					(cd "$mod" && GOTOOLCHAIN=$release "${cmd[@]}" >/dev/null 2>&1) || true
				else
					export GOCACHE=$work/gocache
					measure "$target" "$goversion" empty "$tool" "$run" "$mod" env GOTOOLCHAIN="$release" "${cmd[@]}"
				fi
				printf '\n// cost.sh: changed, run %s\n' "$run" >>"$file"
				measure "$target" "$goversion" changed "$tool" "$run" "$mod" env GOTOOLCHAIN="$release" "${cmd[@]}"
				measure "$target" "$goversion" cached "$tool" "$run" "$mod" env GOTOOLCHAIN="$release" "${cmd[@]}"
				if [ $warm = 0 ]; then
					chmod -R u+w "$work/gocache" 2>/dev/null || true
					unset GOCACHE
				fi
				rm -rf "$work"
			done
		done
	done
done

# The table: medians per target, release, state and tool; ratios to go vet.
awk -F'\t' '
function median(key,    n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
NR > 1 {
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in seen)) { seen[k] = 1; order[++rows] = k }
	vals[k SUBSEP $4 SUBSEP "w"] = vals[k SUBSEP $4 SUBSEP "w"] " " $6
	vals[k SUBSEP $4 SUBSEP "m"] = vals[k SUBSEP $4 SUBSEP "m"] " " $7
	n[k] = $5 > n[k] ? $5 : n[k]
}
END {
	print "| target | Go | cache | runs | go vet | go vet -vettool=golifecheck | golifecheck | ratios (vettool, standalone: wall / memory) |"
	print "| --- | --- | --- | --- | --- | --- | --- | --- |"
	for (r = 1; r <= rows; r++) {
		k = order[r]; split(k, p, SUBSEP)
		vw = median(k SUBSEP "vet" SUBSEP "w"); vm = median(k SUBSEP "vet" SUBSEP "m")
		tw = median(k SUBSEP "vettool" SUBSEP "w"); tm = median(k SUBSEP "vettool" SUBSEP "m")
		sw = median(k SUBSEP "standalone" SUBSEP "w"); sm = median(k SUBSEP "standalone" SUBSEP "m")
		printf "| %s | %s | %s | %d | %.2f s, %d MB | %.2f s, %d MB | %.2f s, %d MB | %.2fx / %.2fx, %.2fx / %.2fx |\n",
			p[1], p[2], p[3], n[k], vw, vm / 1024, tw, tm / 1024, sw, sm / 1024,
			tw / vw, tm / vm, sw / vw, sm / vm
	}
}' "$tsv"
[ "$out" = "$scratch/out" ] || echo "raw measurements: $tsv" >&2
exit $failed
