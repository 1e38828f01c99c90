// The golangci-lint module plugin of golifecheck, a module of its own so that
// the analyzer's module keeps golang.org/x/tools as its only dependency.
//
// It requires the analyzer module at the release it is tagged with (tags
// vX.Y.Z and golangci/vX.Y.Z on one commit: docs/releasing.md), with no
// replace: Go ignores a dependency's replace directives, so this go.mod is
// all a user's build sees. In this checkout, go.work (beside this file)
// replaces the analyzer module with the checkout's own, for building and
// testing; go mod tidy does not read go.work (see docs/releasing.md for
// tidying this file).
module github.com/golifecheck/golifecheck/golangci

go 1.26.0

require (
	github.com/golangci/plugin-module-register v0.1.2
	github.com/golifecheck/golifecheck v0.1.0
	golang.org/x/tools v0.50.0
)

require (
	golang.org/x/mod v0.41.0 // indirect
	golang.org/x/sync v0.23.0 // indirect
)
