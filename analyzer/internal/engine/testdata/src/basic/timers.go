package basic

import "time"

// A function AfterFunc starts sends on a channel nobody receives from.
func afterFuncLeak() {
	ch := make(chan int)
	time.AfterFunc(time.Second, func() {
		ch <- 1 // want "send blocks forever"
	})
}

// Its fix: the caller receives what the function sends.
func afterFuncReceived() int {
	ch := make(chan int)
	time.AfterFunc(time.Second, func() {
		ch <- 1
	})
	return <-ch
}

// Reset after the function ran arms the timer again: the function runs a
// second time, into the buffer the first run left empty.
func afterFuncResetAfterRun() {
	done := make(chan struct{}, 1)
	t := time.AfterFunc(time.Hour, func() { done <- struct{}{} })
	<-done
	t.Reset(time.Hour)
}

// Stop before it fires: the function never runs, so its send never blocks.
func afterFuncStopped() {
	ch := make(chan int)
	t := time.AfterFunc(time.Hour, func() { ch <- 1 })
	if t.Stop() {
		return
	}
	<-ch
}
