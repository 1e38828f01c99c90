// Package suppress exercises suppression comments of ctxcancel findings.
package suppress

import (
	"context"
	"time"
)

func silencedAbove(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel the context lives as long as the process
	ctx, _ := context.WithTimeout(parent, time.Hour)
	return ctx
}

func silencedByNolint(parent context.Context) context.Context {
	ctx, _ := context.WithCancel(parent) //nolint:golifecheck // the caller's problem
	return ctx
}

func otherCheckDoesNotSilence(parent context.Context) context.Context {
	//golifecheck:ignore gostop wrong check
	ctx, _ := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is discarded`
	return ctx
}

// A comment without a reason still silences; golifecheck's shared analyzer
// reports it (see testdata/golifecheck).
func noReason(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel
	ctx, _ := context.WithCancel(parent)
	return ctx
}

//golifecheck:ignore ctxcancel nothing to silence here // want `golifecheck:ignore ctxcancel silences nothing here; remove it`
func unused() {}
