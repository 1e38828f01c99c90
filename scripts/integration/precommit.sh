#!/usr/bin/env bash
# Integration test of golifecheck's pre-commit hook (.pre-commit-hooks.yaml):
# with Debian's pre-commit, `pre-commit try-repo` this checkout's HEAD in a
# consumer repository with a leak (the hook must fail with the finding) and
# in a clean one (the hook must pass). Installs pre-commit when missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if ! command -v pre-commit >/dev/null; then
	apt-get update -qq && apt-get install -y -qq pre-commit >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" # a fresh hook environment each run

consumer() { # consumer DIR BODY: a git repository with one Go package
	mkdir -p "$1" && cd "$1"
	git init -q && git config user.email ci@example.com && git config user.name ci
	printf 'module example.com/consumer\n\ngo 1.25.0\n' >go.mod
	printf '%s\n' "$2" >main.go
	git add . && git commit -qm init
}

fail() { echo "FAIL: $*"; exit 1; }

consumer "$work/leaky" 'package main

import "context"

func main() { run() }

func run() {
	ctx, _ := context.WithCancel(context.Background())
	<-ctx.Done()
}'
if out=$(pre-commit try-repo "$root" golifecheck --all-files 2>&1); then
	echo "$out"; fail "the hook passed on a leaky consumer"
fi
grep -q "Failed" <<<"$out" || { echo "$out"; fail "pre-commit did not report the hook as Failed"; }
grep -q "the cancel function returned by context.WithCancel is discarded" <<<"$out" ||
	{ echo "$out"; fail "the hook's output lacks the finding"; }
echo "PASS: the hook fails on a leaky consumer, with the finding"

consumer "$work/clean" 'package main

import "context"

func main() { run() }

func run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = ctx
}'
if ! out=$(pre-commit try-repo "$root" golifecheck --all-files 2>&1); then
	echo "$out"; fail "the hook failed on a clean consumer"
fi
echo "PASS: the hook passes on a clean consumer"
