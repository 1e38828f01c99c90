package internalerror // want `internal error in golifecheck: assignment to entry in nil map at .*analyzer_internal_test.go`

import "context"

func f(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	_ = ctx
}
