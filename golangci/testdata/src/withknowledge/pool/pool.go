// Package pool hands out slots whose release golifecheck knows of only
// from withknowledge/extra.txt.
package pool

var release = func() {}

func Acquire() (int, func()) { return 0, release }
