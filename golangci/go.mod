// The golangci-lint module plugin of golifecheck, a module of its own so that
// the analyzer's module keeps golang.org/x/tools as its only dependency.
//
// The replace below is for development in this checkout only: Go ignores
// replace directives of dependencies, so users who build golangci-lint with
// this plugin get this module at its tag (golangci/vX.Y.Z) and the analyzer
// module at the version required here. Before tagging golangci/vX.Y.Z, set
// that requirement to the matching tagged release of
// github.com/golifecheck/golifecheck.
module github.com/golifecheck/golifecheck/golangci

go 1.26.0

require (
	github.com/golangci/plugin-module-register v0.1.2
	github.com/golifecheck/golifecheck v0.0.0
	golang.org/x/tools v0.50.0
)

require (
	golang.org/x/mod v0.41.0 // indirect
	golang.org/x/sync v0.23.0 // indirect
)

replace github.com/golifecheck/golifecheck => ../
