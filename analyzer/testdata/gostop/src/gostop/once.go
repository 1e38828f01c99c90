package gostop

import (
	"sync"
	"time"
)

// Goroutines that can start only once per process, in a library: guarded
// by a package-level flag the function sets, or run by a package-level
// sync.Once. They may run until the process exits.

func tickForever() { // want tickForever:`forever\(the loop in gostop.tickForever \(once.go:13\) has no exit\)` tickForever:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

var sigChan chan int

func ensureSignalLoop() {
	if sigChan != nil {
		return
	}
	sigChan = make(chan int)
	go tickForever()
}

var loopStarted bool

func ensureStarted() {
	if loopStarted {
		return
	}
	loopStarted = true
	go tickForever()
}

var loopOnce sync.Once

func startLoopOnce() {
	loopOnce.Do(func() { go tickForever() })
}

// Per value, or unguarded: each call starts another.

type onceTicker struct{ once sync.Once }

func (t *onceTicker) start() {
	t.once.Do(func() { go tickForever() }) // want `goroutine never stops: the loop in gostop.tickForever`
}

var seen chan int

func testedNotSet() {
	if seen != nil {
		return
	}
	go tickForever() // want `goroutine never stops: the loop in gostop.tickForever`
}
