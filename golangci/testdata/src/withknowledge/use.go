// Package withknowledge is checked with settings {knowledge: extra.txt}.
package withknowledge

import "withknowledge/pool"

func leaks() int {
	slot, release := pool.Acquire()
	_ = release
	return slot
}
