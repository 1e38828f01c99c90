// Package golangci is golifecheck's golangci-lint module plugin: importing it
// registers the linter "golifecheck", which runs
// github.com/golifecheck/golifecheck/analyzer inside golangci-lint.
//
// golangci-lint loads module plugins at build time: build a custom binary
// with `golangci-lint custom` and a .custom-gcl.yml naming this module
//
//	version: v2.15.0
//	plugins:
//	  - module: github.com/golifecheck/golifecheck/golangci
//	    import: github.com/golifecheck/golifecheck/golangci
//	    version: v0.1.0
//
// and enable the linter in .golangci.yml:
//
//	version: "2"
//	linters:
//	  default: none
//	  enable:
//	    - golifecheck
//	  settings:
//	    custom:
//	      golifecheck:
//	        type: module
//	        description: goroutine lifecycle checks
//	        settings:
//	          ctxcancel: true   # false switches the ctxcancel check off
//	          gostop: true      # false switches the gostop check off
//	          chanblock: true   # false switches the chanblock check off
//	          knowledge: ""     # file of extra knowledge-table entries
//
// The settings are those of [Settings]; they map onto the analyzer's flags
// of the same names. An unknown setting, or one of the wrong type, is an
// error, so a misspelt key does not silently leave a check on.
//
// golangci-lint names every issue of the linter, and its SARIF ruleId,
// "golifecheck", and starts an issue's text with the name of the analyzer
// that reported it when that is not the linter's. So the plugin gives
// golangci-lint an analyzer per check (ctxcancel, gostop, chanblock, and
// suppression and internal for misused //golifecheck:ignore comments and
// recovered panics), and a finding reads
//
//	service/cache.go:19:2: gostop: goroutine never stops: ...; see cache.go:24: the goroutine never gets past here (golifecheck)
//
// Those analyzers only forward findings: they require the collector (named
// golifecheck), which runs the analyzer once per package, with its facts,
// and hands them its findings by check. A finding's related information is
// folded into its message ("; see FILE:LINE: ..."), since golangci-lint
// would make each entry an issue of its own. //nolint:golifecheck silences
// any finding; an exclusion rule with text "^gostop: " all of one check.
//
// The module is versioned with tags golangci/vX.Y.Z; it is a module of its
// own so that the analyzer module keeps golang.org/x/tools as its only
// dependency.
package golangci
