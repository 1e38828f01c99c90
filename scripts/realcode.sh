#!/usr/bin/env bash
# realcode.sh: run golifecheck on pinned real-world modules and the standard
# library next to plain `go vet`; report findings, errors, wall time and memory.
#
# usage: scripts/realcode.sh [-only TARGET[,TARGET]] [-no-std] [GOLIFECHECK_BIN]
#   GOLIFECHECK_BIN  vettool to measure (default: build ./cmd/golifecheck)
#   -only LIST       comma-separated targets or groups: etcd,grpc,prometheus,
#                    client-go,nats,conc,fsnotify (two small modules), nethttp
#                    (net/http with its tests), std; raft,kafka-go,natsgo (group
#                    new24); pgx,goredis,miniogo (group new25); group names
#                    select all their targets
#   -no-std          skip the std target (same as REALCODE_SKIP_STD=1)
#   -h               this help
#   REALCODE_DIR     work and output dir, reused between runs (downloads, copies
#                    and warm caches are kept); default ${TMPDIR:-/tmp}/golifecheck-realcode
#
# Method and trade-offs:
# - Modules come from the module proxy (`go mod download -json`), are copied to
#   $REALCODE_DIR/src/NAME/ and analyzed there as the main module (`./...`);
#   relative `replace` targets (etcd's ../api etc.) get the required version of
#   the replaced module. GOTOOLCHAIN=local: measure the installed Go only.
# - Caching: per target, a dedicated GOCACHE (cache/NAME/warm, kept between
#   runs) is warmed by `go list -export -test -deps PATTERN`: it compiles every
#   package and test variant vet needs, without linking or vetting. Each of the
#   two measured runs gets its own `cp -a` of it, so both start with everything
#   compiled and no vet results (go vet caches its VetxOnly runs on deps). The
#   copies cost 1-3 GB of disk and seconds per target: accepted for fairness.
# - /usr/bin/time -v "Maximum resident set size" is the peak RSS of the largest
#   single process (go, vet or vettool), not a sum over processes.
# - go vet exits non-zero on findings; the golifecheck run uses -json (exit 0
#   with findings), so a non-zero exit or any output outside JSON is an error.
# - Outputs: findings.txt (`path:line:col: [check] message`; module paths
#   relative to src/, std as GOROOT/...), errors.txt, raw output in out/NAME/.
# - Exit status: 1 if any measured target has errors, panics or a failed run
#   (findings alone are fine; skipped targets are only reported), 2 on bad usage.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

# Groups are reported apart, each with its own total. "dev": the modules the
# checks were developed on. "new24": chosen for issue 24 (the chanblock engine)
# before the engine was built, never used in its development: a check on
# tuning. "new25": chosen for issue 25 (ownership and lifetimes in ctxcancel
# and gostop) on 2026-12-07, before the issue's checks were built (one rule
# of its item 9 excepted), for their connection pools, contexts and HTTP
# clients: the same check. A group is only ever added to, so its figures
# stay comparable.
TARGETS="etcd go.etcd.io/etcd/server/v3@v3.7.3 dev
grpc google.golang.org/grpc@v1.85.0 dev
prometheus github.com/prometheus/prometheus@v0.316.0 dev
client-go k8s.io/client-go@v0.37.2 dev
nats github.com/nats-io/nats-server/v2@v2.15.2 dev
conc github.com/sourcegraph/conc@v0.3.0 dev
fsnotify github.com/fsnotify/fsnotify@v1.10.1 dev
nethttp std:net/http dev
std std dev
raft github.com/hashicorp/raft@v1.7.2 new24
kafka-go github.com/segmentio/kafka-go@v0.4.51 new24
natsgo github.com/nats-io/nats.go@v1.56.0 new24
pgx github.com/jackc/pgx/v5@v5.13.0 new25
goredis github.com/redis/go-redis/v9@v9.23.0 new25
miniogo github.com/minio/minio-go/v7@v7.4.1 new25"

ONLY="" SKIP_STD="${REALCODE_SKIP_STD:-0}" BIN=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h | -help | --help) usage; exit 0 ;;
	-only | --only) [ $# -ge 2 ] || { usage >&2; exit 2; }; ONLY="$2"; shift ;;
	-only=* | --only=*) ONLY="${1#*=}" ;;
	-no-std | --no-std) SKIP_STD=1 ;;
	-*) echo "unknown flag: $1" >&2; usage >&2; exit 2 ;;
	*) [ -z "$BIN" ] || { usage >&2; exit 2; }; BIN="$1" ;;
	esac
	shift
done
for t in ${ONLY//,/ }; do
	grep -qE "^$t | $t\$" <<<"$TARGETS" || { echo "unknown target or group: $t" >&2; exit 2; }
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${REALCODE_DIR:-${TMPDIR:-/tmp}/golifecheck-realcode}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
export GOTOOLCHAIN=local GOWORK=off
GOVERSION="$(go env GOVERSION)"
GOVERSION="${GOVERSION#go}"

log() { printf '==> %s\n' "$*" >&2; }

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ]; then
		log "installing Debian's time package for /usr/bin/time"
		apt-get update -qq && apt-get install -y -qq time >/dev/null
	else
		echo "/usr/bin/time missing: apt-get install time" >&2; exit 1
	fi
fi

if [ -z "$BIN" ]; then
	log "building golifecheck"
	(cd "$ROOT" && go build -o "$WORK/golifecheck" ./cmd/golifecheck)
	BIN="$WORK/golifecheck"
fi
[ -x "$BIN" ] || { echo "not executable: $BIN" >&2; exit 1; }
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

# copymod MODULE@VERSION DEST: writable copy of the module (kept between runs).
copymod() {
	local src
	[ -f "$2/.realcode-stamp" ] && [ "$(cat "$2/.realcode-stamp")" = "$1" ] && return 0
	src="$(cd "$WORK" && go mod download -json "$1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("Dir") or "")')" || src=""
	[ -n "$src" ] || { echo "download of $1 failed" >&2; return 1; }
	rm -rf "$2" && mkdir -p "$(dirname "$2")"
	cp -r "$src" "$2" && chmod -R u+w "$2" && echo "$1" >"$2/.realcode-stamp"
}

# prepare NAME MODULE@VERSION: copy the module (and relative replace targets);
# prints the directory to run in. Non-zero (with a message) means skip it.
prepare() {
	local name="$1" mv="$2" p dir info need old ver rel
	p="${mv%@*}"
	p="${p%/v[0-9]*}"
	dir="$WORK/src/$name/${p##*/}"
	copymod "$mv" "$dir" || return 1
	info="$(cd "$dir" && go mod edit -json | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m.get("Go") or "0")
req = {r["Path"]: r["Version"] for r in m.get("Require") or []}
for r in m.get("Replace") or []:
    if r["New"]["Path"].startswith(("./", "../")):
        print(r["Old"]["Path"], r["Old"].get("Version") or req.get(r["Old"]["Path"], "-"), r["New"]["Path"])
')" || return 1
	need="${info%%$'\n'*}"
	if [ "$(printf '%s\n%s\n' "$need" "$GOVERSION" | sort -V | tail -n1)" != "$GOVERSION" ]; then
		echo "go.mod needs go $need, newer than go $GOVERSION" >&2; return 1
	fi
	while read -r old ver rel; do
		[ "$ver" != - ] || { echo "cannot resolve local replace $old => $rel" >&2; return 1; }
		case "$(realpath -m "$dir/$rel")" in
		"$WORK/src/$name/"*) ;;
		*) echo "local replace $old => $rel leaves $WORK/src/$name" >&2; return 1 ;;
		esac
		log "$name: local replace $old => $rel: using $old@$ver"
		copymod "$old@$ver" "$(realpath -m "$dir/$rel")" || return 1
	done < <(tail -n +2 <<<"$info")
	# A module whose own go.mod misses a requirement of one of its packages
	# (nats.go's deprecated encoders/protobuf): go mod tidy adds it, to the
	# copy only.
	if (cd "$dir" && go list -e -deps -test -f '{{with .Error}}{{.}}{{end}}' ./... 2>&1) | grep -q "no required module provides"; then
		log "$name: go.mod misses a requirement: go mod tidy on the copy"
		(cd "$dir" && go mod tidy -e >/dev/null 2>&1) || return 1
	fi
	echo "$dir"
}

# measure NAME DIR PATTERN: warm-up, package count, the two measured runs.
measure() {
	local name="$1" dir="$2" pat="$3" out="$WORK/out/$1" c="$WORK/cache/$1" rc
	mkdir -p "$out" "$c"
	if [ "$dir" != "$WORK/stdrun" ]; then
		log "$name: go mod download (all dependencies)"
		(cd "$dir" && go mod download) || log "$name: WARNING: go mod download failed"
	fi
	log "$name: warm-up: compiling packages, tests and deps into $c/warm"
	(cd "$dir" && GOCACHE="$c/warm" go list -e -export -test -deps \
		-f '{{with .Error}}{{$.ImportPath}}: {{.}}{{end}}' "$pat") >"$out/warmup.txt" 2>&1 || true
	if grep -q . "$out/warmup.txt"; then
		log "$name: warm-up reported load/build errors (see $out/warmup.txt):"
		head -n 20 "$out/warmup.txt" >&2
	fi
	(cd "$dir" && GOCACHE="$c/warm" go list -e -f '{{.ImportPath}} {{len .XTestGoFiles}}' "$pat") >"$out/pkgs.txt"
	for run in vet glc; do
		rm -rf "${c:?}/$run" && cp -a "$c/warm" "$c/$run"
		local args=()
		[ "$run" = glc ] && args=(-vettool="$BIN" -json -vet=false)
		log "$name: measuring go vet ${args[*]:+${args[*]} }$pat"
		rc=0
		(cd "$dir" && GOCACHE="$c/$run" /usr/bin/time -v -o "$out/$run.time" \
			go vet "${args[@]}" "$pat" >"$out/$run.stdout" 2>"$out/$run.stderr") || rc=$?
		echo "$rc" >"$out/$run.rc"
		rm -rf "${c:?}/$run"
	done
}

rm -rf "$WORK/out"
mkdir -p "$WORK/out"
while read -r name mv group; do
	if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* && ",$ONLY," != *",$group,"* ]]; then continue; fi
	if [ "$name" = std ] && [ "$SKIP_STD" = 1 ]; then continue; fi
	mkdir -p "$WORK/out/$name"
	echo "$group" >"$WORK/out/$name/group"
	if [ "$mv" = std ] || [ "${mv#std:}" != "$mv" ]; then
		mkdir -p "$WORK/stdrun"
		measure "$name" "$WORK/stdrun" "${mv#std:}"
	elif dir="$(prepare "$name" "$mv" 2>"$WORK/out/$name/skip")"; then
		cat "$WORK/out/$name/skip" >&2 && rm -f "$WORK/out/$name/skip"
		measure "$name" "$dir" ./...
	else
		log "$name: SKIPPED: $(tail -n1 "$WORK/out/$name/skip")"
	fi
done <<<"$TARGETS"

python3 - "$WORK" "$(go env GOROOT)" <<'EOF'
import collections, json, os, re, sys
work, goroot = sys.argv[1], sys.argv[2]
FIND = re.compile(r"^(?!vet: )\S.*?:\d+(:\d+)?: ")  # plain vet finding
TRACE = re.compile(r"goroutine \d+ \[|created by |\[signal |\S+\(.*\)$")  # panic stack lines

def rd(d, f):
    p = os.path.join(d, f)
    return open(p, errors="replace").read() if os.path.exists(p) else ""

def timing(t):
    m = re.search(r"Elapsed \(wall clock\).*: (?:(\d+):)?(\d+):([\d.]+)", t)
    r = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return (int(m[1] or 0) * 3600 + int(m[2]) * 60 + float(m[3]) if m else 0.0), (int(r[1]) // 1024 if r else 0)

def rel(posn):
    for base, pre in ((os.path.join(work, "src") + "/", ""), (goroot + "/", "GOROOT/")):
        if posn.startswith(base):
            return pre + posn[len(base):]
    return posn

def glc(text):  # JSON objects from go vet -json, plus any other output (errors)
    finds, errs, dec, i = set(), [], json.JSONDecoder(), 0
    while i < len(text):
        j = text.find("\n", i)
        j = len(text) if j < 0 else j
        line = text[i:j]
        if line.startswith("{"):
            try:
                obj, i = dec.raw_decode(text, i)
                for pkg, res in obj.items():
                    for an, v in res.items():
                        if isinstance(v, dict):
                            errs.append(f"{pkg}: {an}: {v.get('error', v)}")
                        for d in v if isinstance(v, list) else []:
                            finds.add((rel(d.get("posn", "?")), d.get("category") or an, d.get("message", "")))
                continue
            except ValueError:
                pass
        if line.strip() and not line.startswith(("# ", "\t", " ")) and not TRACE.match(line):
            errs.append(line)
        i = j + 1
    return finds, errs

rows, allf, allerr, cats = collections.defaultdict(list), [], [], {}
group = lambda n: rd(os.path.join(work, "out", n), "group").strip() or "dev"
for name in sorted(os.listdir(os.path.join(work, "out")), key=lambda n: (group(n) != "dev", group(n), n == "std", n)):
    d = os.path.join(work, "out", name)
    if rd(d, "skip"):
        rows[group(name)].append((name, "skipped: " + rd(d, "skip").strip().splitlines()[-1]))
        continue
    pk = [l.split() for l in rd(d, "pkgs.txt").splitlines() if l.strip()]
    vrc, grc = int(rd(d, "vet.rc") or -1), int(rd(d, "glc.rc") or -1)
    vlines = (rd(d, "vet.stdout") + rd(d, "vet.stderr")).splitlines()
    vfind = sum(1 for l in vlines if FIND.match(l))
    verr = [l for l in vlines if l.strip() and not l.startswith(("# ", "\t", " ")) and not FIND.match(l)]
    finds, errs = glc(rd(d, "glc.stdout") + "\n" + rd(d, "glc.stderr"))
    panics = sum(1 for e in errs if re.search(r"\bpanic(:|ked)", e)) + sum(1 for f in finds if f[1] == "internal")
    cats[name] = collections.Counter(f[1] for f in finds)
    allf += [f"{p}: [{c}] {m}" for p, c, m in finds]
    allerr += [f"{name}: {e}" for e in errs] + [f"{name}: (plain vet) {e}" for e in verr]
    bad = [f"GOLIFECHECK FAILED (exit {grc})"] * (grc != 0 or bool(errs))
    bad += [f"VET FAILED (exit {vrc})"] * (vrc != 0 and bool(verr or not vfind))
    rows[group(name)].append((name, len(pk), len(pk) + sum(p[-1] != "0" for p in pk), timing(rd(d, "vet.time")),
                 timing(rd(d, "glc.time")), vfind, len(verr), len(finds), len(errs), panics, " + ".join(bad) or "ok"))

def ratio(a, b): return f"{a / b:.2f}x" if b else "-"
def fmt(r):
    if len(r) == 2: return f"{r[0]:<11} {r[1]}"
    n, p, u, vt, gt, vf, ve, gf, ge, pa, st = r
    return (f"{n:<11}{p:>6}{u:>7} {vt[0]:>8.1f}s{vt[1]:>7}M {gt[0]:>8.1f}s{gt[1]:>7}M "
            f"{ratio(gt[0], vt[0]):>7}{ratio(gt[1], vt[1]):>7}{vf:>7}{ve:>6}{gf:>8}{ge:>6}{pa:>7}  {st}")
measured = []
for g, grows in rows.items():  # each group apart, with its own total
    print(f"\nGroup {g}:\nTarget      pkgs  units  vet-wall vet-RSS  glc-wall glc-RSS  t-ratio m-ratio vet-fd vet-er glc-fd errors panics  status")
    m = [r for r in grows if len(r) > 2]
    measured += m
    if m:
        s = lambda i: sum(r[i] for r in m)
        grows.append(("TOTAL", s(1), s(2), (sum(r[3][0] for r in m), max(r[3][1] for r in m)),
                      (sum(r[4][0] for r in m), max(r[4][1] for r in m)), s(5), s(6), s(7), s(8), s(9),
                      "ok" if all(r[10] == "ok" for r in m) else "FAILURES"))
    print("\n".join(fmt(r) for r in grows))
print("""
units = packages + external test packages: what go vet analyzes (test variants included).
wall = Elapsed (wall clock); RSS = Maximum resident set size: peak RSS of the largest single process
(go, vet or the vettool), not a sum. TOTAL: sum of wall times, max of peak RSS. t-ratio/m-ratio =
golifecheck/vet. vet-fd, vet-er: plain vet findings, error lines; glc-fd, errors, panics: golifecheck's.""")
cats["TOTAL"] = sum(cats.values(), collections.Counter())
print("\nGolifecheck findings per check:")
for name, cs in cats.items():
    print(f"  {name}: " + (", ".join(f"{c}={n}" for c, n in sorted(cs.items())) or "none"))
open(os.path.join(work, "findings.txt"), "w").write("".join(l + "\n" for l in sorted(allf)))
open(os.path.join(work, "errors.txt"), "w").write("".join(l + "\n" for l in allerr))
if allerr:
    print(f"\nAnalysis errors, panics, tool failures ({len(allerr)}; first 50, all in errors.txt):")
    print("\n".join("  " + e for e in allerr[:50]))
print(f"\nfindings: {os.path.join(work, 'findings.txt')}\nerrors:   {os.path.join(work, 'errors.txt')}")
sys.exit(0 if all(r[-1] == "ok" for r in measured) else 1)
EOF
