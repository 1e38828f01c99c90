// Package noreturn declares functions that never return: their noReturn
// facts end the paths through their calls, here and in importers.
package noreturn

import (
	"context"
	"fmt"
	"log"
	"os"
)

// Die exits the process.
func Die(code int) { // want Die:`noReturn`
	fmt.Fprintln(os.Stderr, "fatal")
	os.Exit(code)
}

// Failf panics.
func Failf(format string, args ...any) { // want Failf:`noReturn`
	panic(fmt.Sprintf(format, args...))
}

// A Logger logs with a prefix.
type Logger struct{ prefix string }

// Fatal logs and exits.
func (l *Logger) Fatal(msg string) { // want Fatal:`noReturn`
	log.Fatal(l.prefix + msg)
}

// Abort never returns, through Die.
func Abort() { // want Abort:`noReturn`
	Die(3)
}

// Check returns unless err is set: it may return, so it has no fact.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}

// exitsInLiteral only makes a function that exits: it returns.
func exitsInLiteral() func() {
	return func() { os.Exit(1) }
}

func cancelsOrDies(parent context.Context, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		Die(2)
	}
}

func cancelsOrFails(parent context.Context, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		Failf("not ok: %v", ok)
	}
}

func cancelsOrLogs(parent context.Context, l *Logger, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		l.Fatal("not ok")
	}
}

func cancelsOrChecks(parent context.Context, err error) {
	ctx, cancel := context.WithCancel(parent) // want `the cancel function returned by context.WithCancel is not called on all paths`
	if err == nil {
		<-ctx.Done()
		cancel()
	} else {
		Check(err)
	}
}
