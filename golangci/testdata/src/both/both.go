// Package both has a finding of each check, and a misused suppression
// comment: with the default settings all are reported.
package both

import (
	"context"
	"time"
)

func discard(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second)
	return ctx
}

func spin() {
	go func() {
		for range time.Tick(time.Second) {
		}
	}()
}

func noReader() {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
}

func quiet() {
	//golifecheck:ignore gostop
	time.Sleep(time.Millisecond)
}
