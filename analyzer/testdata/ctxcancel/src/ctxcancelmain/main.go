// Command ctxcancelmain: returning from main.main ends the process, so its
// cancels need not be called; other functions of package main are checked.
package main

import "context"

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	if ctx.Err() != nil {
		cancel()
	}
	helper()
}

func helper() {
	ctx, cancel := context.WithCancel(context.Background()) // want `not called on all paths`
	if ctx.Err() != nil {
		cancel()
	}
}
