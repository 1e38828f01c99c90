// Package withknowledge is checked with settings {knowledge: extra.txt}.
package withknowledge

import "withknowledge/pool"

func leaks() int {
	slot, release := pool.Acquire() // want `the cancel function returned by pool.Acquire is never called`
	_ = release
	return slot
}
