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
// The module is versioned with tags golangci/vX.Y.Z; it is a module of its
// own so that the analyzer module keeps golang.org/x/tools as its only
// dependency.
package golangci
