#!/usr/bin/env bash
# Integration test of golifecheck's pre-commit hook (.pre-commit-hooks.yaml):
# with Debian's pre-commit, consumer repositories whose
# .pre-commit-config.yaml names this checkout at its HEAD commit (commit
# first; one hook environment, installed once, serves them all), run
# `pre-commit run` on all files or on the staged ones:
#   (1) one module at the root, leaky: the hook fails with the finding;
#       clean: it passes;
#   (2) no go.mod at the root, two modules in subdirectories, one leaky: the
#       hook fails naming the leak in that module; with both clean it passes;
#       on the staged files only, it checks the modules they are in;
#   (3) a go.work listing two modules, one importing the other through the
#       workspace alone (no requirement, no replace): the hook checks them
#       in one run in the workspace and fails on the leak in the imported
#       one; with it fixed it passes.
# Installs pre-commit when missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if ! command -v pre-commit >/dev/null; then
	apt-get update -qq && apt-get install -y -qq pre-commit >/dev/null
fi

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" # a fresh hook environment each run

leaky='package main

import "context"

func main() { run() }

func run() {
	ctx, _ := context.WithCancel(context.Background())
	<-ctx.Done()
}'
clean='package main

import "context"

func main() { run() }

func run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = ctx
}'
finding="the cancel function returned by context.WithCancel is discarded"

fail() { echo "FAIL: $*"; exit 1; }

rev=$(git -C "$root" rev-parse HEAD)

# repo DIR: a git repository in DIR, the working directory, with a
# .pre-commit-config.yaml using the hook of this checkout's HEAD.
repo() {
	mkdir -p "$1" && cd "$1"
	git init -q && git config user.email ci@example.com && git config user.name ci
	printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: golifecheck\n' "$root" "$rev" >.pre-commit-config.yaml
}

# put FILE TEXT: write TEXT to FILE, making its directory.
put() { mkdir -p "$(dirname "$1")" && printf '%s\n' "$2" >"$1"; }

# commit: commit everything in the working directory's repository.
commit() { git add -A && git commit -qm "$1"; }

# hook [ARGS...]: run the hook in the working directory's repository (on
# the staged files, or as ARGS say); its output in $out, its exit status in
# $status.
hook() {
	status=0
	out=$(pre-commit run golifecheck "$@" 2>&1) || status=$?
}

# want_fail WHAT [PATTERN...]: the last hook run failed, its output having
# the finding and each PATTERN.
want_fail() {
	local what=$1 p
	shift
	[[ $status != 0 ]] || { echo "$out"; fail "$what: the hook passed"; }
	grep -q "Failed" <<<"$out" || { echo "$out"; fail "$what: pre-commit did not report the hook as Failed"; }
	for p in "$finding" "$@"; do
		grep -qF -e "$p" <<<"$out" || { echo "$out"; fail "$what: the hook's output lacks '$p'"; }
	done
}

# want_pass WHAT: the last hook run passed.
want_pass() {
	[[ $status == 0 ]] || { echo "$out"; fail "$1: the hook failed"; }
	grep -q "Passed" <<<"$out" || { echo "$out"; fail "$1: pre-commit did not report the hook as Passed"; }
}

# (1) One module at the repository's root.
repo "$work/leaky"
put go.mod $'module example.com/consumer\n\ngo 1.25.0'
put main.go "$leaky"
commit init
hook --all-files
want_fail "(1) a leaky module at the root" "main.go:8:"
echo "PASS: (1) the hook fails on a leaky module at the root, with the finding"

repo "$work/clean"
put go.mod $'module example.com/consumer\n\ngo 1.25.0'
put main.go "$clean"
commit init
hook --all-files
want_pass "(1) a clean module at the root"
echo "PASS: (1) the hook passes on a clean module at the root"

# (2) No go.mod at the root: modules in services/a (leaky) and services/b.
repo "$work/mono"
put README.md "two modules"
put services/a/go.mod $'module example.com/a\n\ngo 1.25.0'
put services/a/main.go "$leaky"
put services/b/go.mod $'module example.com/b\n\ngo 1.25.0'
put services/b/main.go "$clean"
commit init
hook --all-files
want_fail "(2) two modules in subdirectories, one leaky" "services/a/main.go:8:"
if grep -qF "services/b/" <<<"$out"; then
	echo "$out"
	fail "(2) the hook reports something in the clean module"
fi
echo "PASS: (2) two modules in subdirectories, no go.mod at the root: the hook fails naming the leak in services/a"

# Only services/b staged: only its module is checked.
printf '\n// edited\n' >>services/b/main.go
git add services/b/main.go
hook
want_pass "(2) services/b staged, services/a leaky but not staged"
grep -q "^- files were modified\|Failed" <<<"$out" && { echo "$out"; fail "(2) unexpected output"; }
echo "PASS: (2) with only services/b staged, the hook checks its module and passes"

# services/a staged: its module is checked.
printf '\n// edited\n' >>services/a/main.go
git add services/a/main.go
hook
want_fail "(2) services/a staged" "services/a/main.go:8:"
echo "PASS: (2) with services/a staged, the hook fails naming its leak"

put services/a/main.go "$clean"
commit "fix the leak"
hook --all-files
want_pass "(2) both modules clean"
echo "PASS: (2) with both modules clean, the hook passes"

# (3) A go.work: module app imports module lib through the workspace only
# (app's go.mod requires no version of example.com/lib, which exists nowhere
# else): it builds only in the workspace. The leak is in lib's function, called by app.
repo "$work/workspace"
put go.work $'go 1.25.0\n\nuse (\n\t./app\n\t./lib\n)'
put lib/go.mod $'module example.com/lib\n\ngo 1.25.0'
put lib/lib.go 'package lib

import "context"

// Start returns a context it never cancels.
func Start() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}'
put app/go.mod $'module example.com/app\n\ngo 1.25.0'
put app/main.go 'package main

import "example.com/lib"

func main() { <-lib.Start().Done() }'
commit init
hook --all-files
want_fail "(3) a go.work with two modules, lib leaky" "lib/lib.go:7:"
if grep -q "no required module provides\|cannot find module\|does not contain" <<<"$out"; then
	echo "$out"
	fail "(3) the hook did not build app in the workspace"
fi
echo "PASS: (3) a go.work: the hook builds the modules in the workspace and fails naming the leak in lib"

put lib/lib.go 'package lib

import "context"

// Start returns a context and its cancel function.
func Start() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}'
put app/main.go 'package main

import "example.com/lib"

func main() {
	ctx, cancel := lib.Start()
	defer cancel()
	<-ctx.Done()
}'
commit "fix the leak"
hook --all-files
want_pass "(3) a go.work with both modules clean"
echo "PASS: (3) a go.work with both modules clean: the hook passes"
