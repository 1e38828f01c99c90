// Package pool's Acquire returns a release function; its body cannot show
// that the caller must call it, so the test's knowledge file says so.
package pool

// Acquire takes a slot and returns the function that gives it back.
func Acquire() (int, func()) { return 0, func() {} }
