package internalerror // want `internal error in golifecheck: runtime error: index out of range .* at .*analyzer_internal_test.go`

import "context"

func f(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	_ = ctx
}
