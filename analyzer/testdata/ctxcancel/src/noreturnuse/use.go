// Package noreturnuse relies on noreturn's noReturn facts, which go vet
// computes in a separate run.
package noreturnuse

import (
	"context"
	"noreturn"
)

func cancelsOrDies(parent context.Context, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		noreturn.Die(2)
	}
}

func cancelsOrAborts(parent context.Context, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		noreturn.Abort()
	}
}

func cancelsOrLogs(parent context.Context, l *noreturn.Logger, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	switch {
	case ok:
		<-ctx.Done()
		cancel()
	default:
		l.Fatal("not ok")
	}
}

func cancelsOrFailsInLiteral(parent context.Context, oks []bool) {
	for _, ok := range oks {
		func() {
			ctx, cancel := context.WithCancel(parent)
			if ok {
				<-ctx.Done()
				cancel()
			} else {
				noreturn.Failf("not ok")
			}
		}()
	}
}

func cancelsOrChecks(parent context.Context, err error) {
	ctx, cancel := context.WithCancel(parent) // want `the cancel function returned by context.WithCancel is not called on all paths`
	if err == nil {
		<-ctx.Done()
		cancel()
	} else {
		noreturn.Check(err)
	}
}
