// Package gostop holds the gostop check's cases: leaky.go must be
// reported, clean.go must not.
package gostop

import (
	"sync"
	"time"
)

func work() {}

func polling() {
	go func() { // want `goroutine never stops: the loop in a function literal in gostop.polling \(leaky.go:14\) has no exit`
		for {
			work()
			time.Sleep(time.Second)
		}
	}()
}

type cache struct {
	mu    sync.Mutex
	items map[string]string
}

// janitor sweeps forever: its select has no way out.
func (c *cache) janitor() { // want janitor:`forever\(the loop in \(\*gostop.cache\).janitor \(leaky.go:30\) has no exit\)`
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.mu.Lock()
			clear(c.items)
			c.mu.Unlock()
		}
	}
}

func newCache() *cache {
	c := &cache{items: map[string]string{}}
	go c.janitor() // want `goroutine never stops: the loop in \(\*gostop.cache\).janitor \(leaky.go:30\) has no exit; return when ctx.Done\(\) or a stop channel is closed`
	return c
}

func methodValue(c *cache) {
	sweep := c.janitor
	go sweep() // want `the loop in \(\*gostop.cache\).janitor`
}

func rangeTicker(t *time.Ticker) {
	go func() { // want `goroutine never stops: the loop in a function literal in gostop.rangeTicker`
		for range t.C {
			work()
		}
	}()
}

func rangeTick() {
	go func() { // want `goroutine never stops`
		for range time.Tick(time.Second) {
			work()
		}
	}()
}

// loop runs forever; goroutines running it through a call are reported.
func loop() { // want loop:`forever` loop:`noReturn`
	for {
		work()
	}
}

func throughCall() {
	go func() { // want `the loop in gostop.loop \(leaky.go:69\)`
		work()
		loop()
	}()
}

func breakOnlyLeavesSelect(in chan int, quit chan struct{}) {
	go func() { // want `goroutine never stops`
		for {
			select {
			case <-in:
			case <-quit:
				break // leaves the select, not the loop
			}
		}
	}()
}

// spawn runs f in a new goroutine: it is a launcher.
func spawn(f func()) { // want spawn:`launches\[0\]`
	go f()
}

func launched() {
	spawn(loop) // want `goroutine never stops: the loop in gostop.loop`
}

func waitGroupGo(wg *sync.WaitGroup) {
	wg.Go(func() { // want `goroutine never stops`
		for {
			work()
		}
	})
}

func blockForever() {
	go func() { // want `goroutine never stops: a function literal in gostop.blockForever blocks forever in select \{\}`
		work()
		select {}
	}()
}

// A busy loop with an empty body.
func spin() {
	go func() { // want `goroutine never stops: the loop in a function literal in gostop.spin \(leaky.go:\d+\) has no exit`
		for {
		}
	}()
}
