#!/usr/bin/env bash
# Integration test of golifecheck's golangci-lint module plugin (golangci/):
# builds a real golangci-lint v2 with the plugin as `golangci-lint custom`
# builds it for a .custom-gcl.yml naming the plugin's module and version
# (go get MODULE@VERSION, go mod tidy, go build), without cloning from
# GitHub: golangci-lint's source comes from the Go module proxy, and
# golifecheck's two modules from a module proxy in a local directory
# (scripts/integration/modproxy), as they would come from a release: the
# analyzer module and the plugin module both at the release's version, each
# with its go.mod as it is. Then it runs it on a
# copy of demo/ and checks that
#   (0) the build took both modules from the proxy at the release, with no
#       replace;
#   (a) findings are printed as file:line:col: CHECK: message (golifecheck),
#       of every check, the check named once, with their evidence (the
#       diagnostics' related information) in the message ("; see
#       FILE:LINE: ...") and not as issues of its own;
#   (b) //nolint:golifecheck on one finding's line silences exactly that one;
#   (c) --output.sarif.path=stdout gives SARIF 2.1.0 with the same findings:
#       ruleId golifecheck (golangci-lint's rule id is the linter's name),
#       the message starting with the check's name;
#   (d) the plugin's settings reach the analyzer ({gostop: false},
#       {ctxcancel: false}, {chanblock: false});
#   (e) an unknown setting makes golangci-lint fail, naming it;
#   (f) rules matching the text "^CHECK: " pick one check's findings: an
#       exclusion rule drops them, a severity rule sets their SARIF level;
#   (g) a knowledge file the standalone command rejects makes golangci-lint
#       fail with the command's message.
# Needs only Go, git and the module proxy. The binary (about 2 minutes to
# build on 2 cores) is cached in $GOLIFECHECK_CACHE (default
# ~/.cache/golifecheck), keyed by golangci-lint's version, the Go version and
# the hashes of golifecheck's two module zips, so reruns take seconds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
gcl_version=v2.15.0
gcl_module=github.com/golangci/golangci-lint/v2
module=github.com/golifecheck/golifecheck
plugin=$module/golangci
# Build as a user's build does: golangci/go.work (this checkout's analyzer
# in place of the required version) is for development only.
export GOWORK=off

cache=${GOLIFECHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/golifecheck}/golangci-lint
mkdir -p "$cache"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# The release under test: both modules are served at it, as tags vX.Y.Z
# and golangci/vX.Y.Z on one commit would serve them (docs/releasing.md),
# so golangci/go.mod must require the analyzer module at it: a user's build
# ignores a replace there, and a version that is not released fails it.
release=${GOLIFECHECK_RELEASE:-v0.1.0}

# The module proxy: both modules at $release, from this checkout's files.
proxy="$tmp/proxy"
if ! sums=$(cd "$root" && go run ./scripts/integration/modproxy -version "$release" -o "$proxy" .); then
	echo "FAIL: writing the module proxy"
	exit 1
fi
echo "module proxy file://$proxy:"
sed 's/^/    /' <<<"$sums"

# source_key hashes what the binary is built from: golangci-lint's version,
# Go's, and golifecheck's two module zips.
source_key() {
	{
		echo "$gcl_version"
		go version
		echo "$sums"
	} | sha256sum | cut -c1-16
}

# build OUT KEY: golangci-lint $gcl_version with the plugin, as
# `golangci-lint custom` builds it for a .custom-gcl.yml with
#   plugins: [{module: $plugin, version: $release}]
# from the module proxy's copy of golangci-lint's source. The build has a
# module cache of its own (the go command keeps a version it downloaded
# whatever its content, and $release is rebuilt with each source), fed from
# the machine's module cache first; golifecheck's versions are in no
# checksum database.
build() {
	local out=$1 key=$2 b="$tmp/build" dir
	mkdir -p "$b" && cd "$b"
	dir=$(go mod download -json "$gcl_module@$gcl_version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
	[[ -n $dir && -d $dir ]] || { echo "go mod download found no source for $gcl_module@$gcl_version"; return 1; }
	local machine_proxy machine_cache
	machine_proxy=$(go env GOPROXY)
	machine_cache=$(go env GOMODCACHE)
	export GOPROXY="file://$proxy,file://$machine_cache/cache/download,$machine_proxy"
	export GOMODCACHE="$b/modcache" GONOSUMDB="$module" GOFLAGS="-mod=mod -modcacherw"
	echo "GOPROXY=$GOPROXY GONOSUMDB=$GONOSUMDB"
	cp -r "$dir"/. "$b/src" && chmod -R u+w "$b/src" && cd "$b/src"
	printf 'package main\n\nimport _ "%s"\n' "$plugin" >cmd/golangci-lint/plugins.go
	echo "go get $plugin@$release"
	go get "$plugin@$release"
	go mod tidy
	# The version names the plugin's source, as custom's does: golangci-lint
	# salts its cache with it.
	go build -ldflags "-s -w -X 'main.version=${gcl_version#v}-custom-gcl-$key' -X 'main.date=$(date -u +%FT%TZ)'" \
		-o "$b/custom-gcl" ./cmd/golangci-lint
	# What the build used, for (0).
	go list -m -f '{{.Path}} {{.Version}}{{with .Replace}} => {{.Path}} {{.Version}}{{end}} {{.Dir}}' "$module" "$plugin" >"$b/modules.txt"
	mv "$b/modules.txt" "$(dirname "$out")/modules.txt"
	mv "$b/custom-gcl" "$out"
}

key=$(source_key)
bin="$cache/$gcl_version-$key/custom-gcl"
if [[ -x $bin ]]; then
	echo "using $bin (cached)"
else
	echo "building golangci-lint $gcl_version with the plugin (about 2 minutes on 2 cores)..."
	mkdir -p "$(dirname "$bin")"
	start=$SECONDS
	# Not in a condition, where bash would ignore set -e inside build: the
	# first step that fails ends it.
	set +e
	(
		set -e
		build "$bin" "$key"
	) >"$tmp/build.log" 2>&1
	built=$?
	set -e
	if [[ $built != 0 ]]; then
		cat "$tmp/build.log"
		echo "FAIL: building golangci-lint $gcl_version with the plugin"
		exit 1
	fi
	echo "built $bin in $((SECONDS - start))s"
	# Older builds are of sources no longer here.
	find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$gcl_version-$key" -exec rm -rf {} +
fi
"$bin" version

passed=0 failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
show() { [[ -z $1 ]] || sed 's/^/    | /' <<<"$1"; }

# (0) the build got both modules from the proxy at $release, not replaced.
used=$(cut -d' ' -f1-4 "$(dirname "$bin")/modules.txt" 2>/dev/null || true)
if [[ $used == "$module $release "*$'\n'"$plugin $release "* && $used != *"=>"* ]]; then
	pass "(0) built as a user builds it: go get $plugin@$release; $module $release from the module proxy, no replace"
else
	fail "(0) want the build to use $module and $plugin at $release, not replaced; got"
	show "$used"
fi

# One golangci-lint cache for this run, shared by its runs as a user's is:
# the results must follow the settings and the sources all the same.
export GOLANGCI_LINT_CACHE="$tmp/gcl-cache"

# config DIR SETTINGS [EXCLUSIONS [SEVERITY]]: a v2 .golangci.yml enabling
# golifecheck alone, with SETTINGS (a YAML flow mapping) as the plugin's
# settings, and EXCLUSIONS and SEVERITY, if given, as linters.exclusions and
# severity (YAML flow mappings). No issue is capped, so that counts compare.
config() {
	cat >"$1/.golangci.yml" <<EOF
version: "2"
linters:
  default: none
  enable:
    - golifecheck
  settings:
    custom:
      golifecheck:
        type: module
        description: goroutine lifecycle checks
        settings: $2
${3:+  exclusions: $3}
${4:+severity: $4}
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
EOF
}

# lint DIR ARGS...: golangci-lint run in DIR; its standard output in $out,
# its standard error in $errout, its exit status in $status (1: issues found).
lint() {
	local dir=$1
	shift
	status=0
	out=$(cd "$dir" && "$bin" run --show-stats=false "$@" ./... 2>"$tmp/stderr") || status=$?
	errout=$(<"$tmp/stderr")
}

# text DIR: lint with text output; the findings in $findings, one a line:
# each golifecheck issue, which must read file:line:col: CHECK: message
# (golifecheck); any other golifecheck line in $strays.
checks='ctxcancel|gostop|chanblock|suppression|internal'
finding_re="^[^ :]+\\.go:[0-9]+:[0-9]+: ($checks): .* \\(golifecheck\\)\$"
text() {
	lint "$1" --output.text.path=stdout --output.text.print-issued-lines=false --output.text.colors=false
	findings=$(grep -E "$finding_re" <<<"$out" || true)
	strays=$(grep -F 'golifecheck' <<<"$out" | grep -vE "$finding_re" || true)
}
# count TEXT PATTERN: lines of TEXT matching PATTERN.
count() { if [[ -z $1 ]]; then echo 0; else grep -c -e "$2" <<<"$1" || true; fi; }
# The findings of each check: golangci-lint puts the analyzer's name, here
# the check's, in front of the message.
ctx_re=': ctxcancel: '
gostop_re=': gostop: '
chan_re=': chanblock: '
# A finding's evidence, folded into its message; the check named twice.
evidence_re='; see [^ :]*\.go:[0-9]*: '
twice_re=" ($checks): .*\\(($checks)\\) \\(golifecheck\\)\$"

demo="$tmp/demo"
cp -r "$root/demo" "$demo"
config "$demo" '{}'

# (a) findings, as file:line:col: CHECK: message (golifecheck), of every
# check, with their evidence, and nothing else of golifecheck's.
text "$demo"
base=$findings
n=$(count "$base" .)
ctx=$(count "$base" "$ctx_re")
gostop=$(count "$base" "$gostop_re")
chan=$(count "$base" "$chan_re")
show "$out"
show "$errout"
if [[ $status == 1 && $ctx -ge 1 && $gostop -ge 1 && $chan -ge 1 ]]; then
	pass "(a) $n findings as file:line:col: CHECK: message (golifecheck): $ctx ctxcancel, $gostop gostop, $chan chanblock"
else
	fail "(a) want exit status 1 and at least one finding of each check; got status $status, $ctx ctxcancel, $gostop gostop, $chan chanblock"
fi
if [[ -z $strays ]] && ! grep -q 'related information' <<<"$out"; then
	pass "(a) no golifecheck issue but the findings: no related-information ones"
else
	fail "(a) want only findings as file:line:col: CHECK: message (golifecheck); got"
	show "$strays"
fi
twice=$(grep -E "$twice_re" <<<"$base" || true)
with_evidence=$(grep -e "$evidence_re" <<<"$base" || true)
each_check() { # each_check TEXT: TEXT has a finding of each check
	local re
	for re in "$ctx_re" "$gostop_re" "$chan_re"; do
		grep -q -e "$re" <<<"$1" || return 1
	done
}
if [[ -z $twice ]] && each_check "$with_evidence"; then
	pass "(a) each check named once; evidence in the messages of $(count "$with_evidence" .) findings, e.g. '$(grep -o -e "$evidence_re.*" <<<"$with_evidence" | head -1 | sed 's/ (golifecheck)$//')'"
else
	fail "(a) want each check named once and a finding of each check with '; see FILE:LINE: ...' in its message; got"
	show "$twice"
	show "$with_evidence"
fi

# (b) //nolint:golifecheck on one finding's line silences that finding only.
# The line chosen has no comment of its own and nothing else reported on it
# or on the next line (golifecheck's own reading of the comment covers the
# next line too).
target=""
while IFS= read -r f; do
	file=${f%%:*} rest=${f#*:}
	line=${rest%%:*}
	others=$(grep -E "^$file:($line|$((line + 1))):" <<<"$out" | grep -vFx -e "$f" || true)
	if [[ -z $others ]] && ! sed -n "${line}p" "$demo/$file" | grep -q '//'; then
		target=$f
		break
	fi
done < <(grep -e "$ctx_re" <<<"$base")
if [[ -z $target ]]; then
	fail "(b) no finding's line fits a //nolint:golifecheck test"
else
	cp "$demo/$file" "$tmp/saved.go"
	sed -i "${line}s|\$| //nolint:golifecheck|" "$demo/$file"
	text "$demo"
	want=$(grep -vFx -e "$target" <<<"$base")
	if [[ $status == 1 && $(count "$findings" .) == $((n - 1)) && $findings == "$want" ]]; then
		pass "(b) //nolint:golifecheck on $file:$line silences exactly its finding ($n -> $((n - 1)) findings)"
	else
		fail "(b) //nolint:golifecheck on $file:$line: want every finding but '$target'; got status $status and"
		show "$findings"
		show "$errout"
	fi
	cp "$tmp/saved.go" "$demo/$file"
fi

# (c) SARIF 2.1.0 on stdout, with the findings. A small Go program reads it
# (no python or jq needed) and prints its version, then each result as the
# text output prints a finding: file:line:col: message (ruleId). The message
# starts with the check's name; the ruleId is the linter's, golifecheck, for
# every golangci-lint issue of a module plugin's (FromLinter).
mkdir -p "$tmp/sarifcheck"
cat >"$tmp/sarifcheck/main.go" <<'EOF'
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine, StartColumn int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&log); err != nil {
		fmt.Println("invalid JSON:", err)
		os.Exit(1)
	}
	fmt.Println("version", log.Version)
	for _, run := range log.Runs {
		for _, r := range run.Results {
			for _, l := range r.Locations {
				p := l.PhysicalLocation
				if len(os.Args) > 1 && os.Args[1] == "-level" {
					fmt.Print(r.Level, " ")
				}
				fmt.Printf("%s:%d:%d: %s (%s)\n", p.ArtifactLocation.URI, p.Region.StartLine, p.Region.StartColumn, r.Message.Text, r.RuleID)
			}
		}
	}
}
EOF
(cd "$tmp/sarifcheck" && printf 'module sarifcheck\n\ngo 1.25.0\n' >go.mod && go build -o sarifcheck .)
lint "$demo" --output.sarif.path=stdout
sarif=$out
sarif_read=$("$tmp/sarifcheck/sarifcheck" <<<"$sarif") || true
sarif_results=$(tail -n +2 <<<"$sarif_read")
rule_ids=$(grep -o '"ruleId": *"[^"]*"' <<<"$sarif" | sed 's/.*"\([^"]*\)"$/\1/' | sort | uniq -c | sed 's/^ *//')
if [[ $status == 1 && $(head -1 <<<"$sarif_read") == "version 2.1.0" ]] &&
	[[ $rule_ids == "$n golifecheck" && $(sort <<<"$sarif_results") == "$(sort <<<"$base")" ]]; then
	pass "(c) --output.sarif.path=stdout gives SARIF 2.1.0 with the $n findings, ruleId golifecheck, messages 'CHECK: ...'"
else
	fail "(c) want SARIF 2.1.0 with the $n findings of (a); got status $status and"
	show "$sarif_read"
	show "$errout"
fi

# (d) the settings reach the analyzer: each check switched off in turn.
setting_off() { # setting_off CHECK CHECK_RE CHECK_N OTHER OTHER_RE OTHER_N
	config "$demo" "{$1: false}"
	text "$demo"
	if [[ $status == 1 && $(count "$findings" "$2") == 0 && $(count "$findings" "$5") == "$6" ]]; then
		pass "(d) settings {$1: false}: the $3 $1 finding(s) are gone, the $6 $4 one(s) remain"
	else
		fail "(d) settings {$1: false}: want $6 $4 findings and no $1 one; got status $status and"
		show "$findings"
		show "$errout"
	fi
}
setting_off gostop "$gostop_re" "$gostop" ctxcancel "$ctx_re" "$ctx"
setting_off ctxcancel "$ctx_re" "$ctx" gostop "$gostop_re" "$gostop"
setting_off chanblock "$chan_re" "$chan" ctxcancel "$ctx_re" "$ctx"

# (e) an unknown setting is an error, not ignored.
config "$demo" '{gostopp: false}'
text "$demo"
if [[ $status != 0 && $status != 1 ]] && grep -q 'unknown field "gostopp"' <<<"$out$errout"; then
	pass "(e) an unknown setting fails the run (status $status): $(grep -o 'golifecheck settings: .*' <<<"$out$errout" | head -1)"
else
	fail "(e) settings {gostopp: false}: want golangci-lint to fail naming the setting; got status $status and"
	show "$out"
	show "$errout"
fi

# (f) rules by text: an exclusion rule drops the gostop findings; a
# severity rule makes the chanblock ones warnings in SARIF, the rest errors.
config "$demo" '{}' '{rules: [{linters: [golifecheck], text: "^gostop: "}]}' \
	'{default: error, rules: [{linters: [golifecheck], text: "^chanblock: ", severity: warning}]}'
text "$demo"
if [[ $status == 1 && $findings == "$(grep -v -e "$gostop_re" <<<"$base")" ]]; then
	pass "(f) an exclusion rule with text \"^gostop: \" drops the $gostop gostop finding(s) only"
else
	fail "(f) exclusion rule text \"^gostop: \": want every finding but the gostop ones; got status $status and"
	show "$findings"
	show "$errout"
fi
lint "$demo" --output.sarif.path=stdout
# Each result as "LEVEL CHECK:", counted.
levels=$("$tmp/sarifcheck/sarifcheck" -level <<<"$out" | tail -n +2 | awk '{print $1, $3}' | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ') || true
want_levels="$ctx error ctxcancel: $chan warning chanblock: "
if [[ $status == 1 && $levels == "$want_levels" ]]; then
	pass "(f) a severity rule with text \"^chanblock: \" sets their SARIF level: $levels"
else
	fail "(f) severity rule text \"^chanblock: \": want SARIF levels '$want_levels'; got status $status and '$levels'"
	show "$errout"
fi

# (g) a knowledge file the standalone command rejects (a result index past
# the signature) fails the run at start, with the command's message.
printf '# extra entries\ncancel context.WithCancel 5\n' >"$demo/bad-knowledge.txt"
config "$demo" '{knowledge: bad-knowledge.txt}'
text "$demo"
want_msg='bad-knowledge.txt:2: context.WithCancel: result 5 is not a function'
if [[ $status != 0 && $status != 1 ]] && grep -qF "$want_msg" <<<"$out$errout"; then
	pass "(g) a bad knowledge file fails the run (status $status): $(grep -oF "$want_msg" <<<"$out$errout" | head -1)"
else
	fail "(g) settings {knowledge: bad-knowledge.txt}: want golangci-lint to fail with '$want_msg'; got status $status and"
	show "$out"
	show "$errout"
fi
rm "$demo/bad-knowledge.txt"

echo "golangci: $passed passed, $failed failed"
[[ $failed == 0 ]]
