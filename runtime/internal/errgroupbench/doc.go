// Package errgroupbench benchmarks golifecheck's runtime.Group against the
// real golang.org/x/sync/errgroup.Group, on the workload of runtime's own
// BenchmarkGroup (16 goroutines per iteration, without a limit and with
// SetLimit(4)).
//
// It is a separate module, with its own go.mod and a replace directive
// pointing at the main module, so that errgroup never becomes a dependency
// of github.com/golifecheck/golifecheck, whose only requirement stays
// golang.org/x/tools. Being a nested module it is outside the main module's
// ./...; run it from this directory:
//
//	go test -run='^$' -bench=. -benchmem -count=5 .
//
// (runtime's BenchmarkGroup compares Group with a copy of errgroup's code
// instead, inside the main module.)
//
// golang.org/x/sync is at v0.23.0, the version the main module's
// golang.org/x/tools requires.
package errgroupbench
