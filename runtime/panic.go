package runtime

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// A PanicError is the error a [Task], [Group] or [Pool] reports in place of a
// panic in a function it runs: the goroutine recovers, records the value and
// the stack of the panic, and ends like a function that returned this error.
//
// Use [errors.As] to tell a panic from an ordinary error. To crash as the
// panic would have, re-panic with the error:
//
//	var pe *runtime.PanicError
//	if errors.As(err, &pe) {
//		panic(pe)
//	}
type PanicError struct {
	// Value is the value passed to panic (a *runtime.PanicNilError for
	// panic(nil)).
	Value any
	// Stack is the stack of the panicking goroutine, as printed by
	// [debug.Stack] while the panic was being handled.
	Stack []byte
}

// Error returns the panic value followed by the goroutine's stack, so that
// logging the error shows where the panic happened.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// errGoexit is the error of a function that called runtime.Goexit (for
// example through t.FailNow) instead of returning.
var errGoexit = errors.New("runtime: function called runtime.Goexit instead of returning")

// catch turns a panic into a *PanicError stored in *err. It must be deferred
// directly: recover only stops a panic when called by a deferred function.
func catch(err *error) {
	if r := recover(); r != nil {
		*err = newPanicError(r)
	}
}

// newPanicError must be called by the deferred function that recovered r,
// so that the stack still holds the panicking frames.
func newPanicError(r any) *PanicError {
	return &PanicError{Value: r, Stack: debug.Stack()}
}
