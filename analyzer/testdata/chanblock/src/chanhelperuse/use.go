// Package chanhelperuse uses chanhelper: its findings need chanhelper's
// facts.
package chanhelperuse

import "chanhelper"

func check() error { return nil }

func replyTwice() error {
	ch := make(chan error)
	go func() {
		chanhelper.Reply(ch, check()) // want `chanhelper.Reply's send on ch blocks forever if replyTwice returns after receiving 1 of 2 values`
	}()
	return <-ch
}

func consumeUnclosed(names []string) {
	jobs := make(chan string)
	go chanhelper.Consume(jobs) // want `chanhelper.Consume's range over jobs never ends: nothing closes jobs; close it after the last send`
	for _, n := range names {
		jobs <- n
	}
}

func consumeClosed(names []string) {
	jobs := make(chan string)
	go chanhelper.Consume(jobs)
	for _, n := range names {
		jobs <- n
	}
	close(jobs)
}

func finished() {
	done := make(chan struct{})
	go chanhelper.Finish(done)
	<-done
}

func kept() {
	ch := make(chan int)
	chanhelper.Keep(ch)
	<-ch
}

func firstLong(text []string) string {
	for l := range chanhelper.Lines(text) { // want `chanhelper.Lines's goroutine blocks forever on its send \(chanhelper.go:\d+\) if firstLong returns before draining the channel; drain it, or give chanhelper.Lines a done channel that firstLong closes`
		if len(l) > 80 {
			return l
		}
	}
	return ""
}

func countAll(text []string) int {
	n := 0
	for range chanhelper.Lines(text) {
		n++
	}
	return n
}

func eachLine(text []string) int {
	ch := chanhelper.Lines(text)
	n := 0
	for range text {
		n += len(<-ch)
	}
	return n
}

func total(read func() ([]string, error)) int { // want total:`launches\[0\]`
	n := 0
	for r := range chanhelper.Open(read) { // want `range over chanhelper.Open's channel never ends if its goroutine returns at chanhelper.go:\d+ without closing it`
		n += len(r)
	}
	return n
}

func contains(items []string, want string) bool {
	c := chanhelper.NewCursor(items)
	for it := range c.All() { // want `\(\*chanhelper.Cursor\).All's goroutine blocks forever on its send \(chanhelper.go:\d+\) if contains returns without calling Stop; defer its Stop`
		if it == want {
			return true
		}
	}
	return false
}

func containsStopped(items []string, want string) bool {
	c := chanhelper.NewCursor(items)
	defer c.Stop()
	for it := range c.All() {
		if it == want {
			return true
		}
	}
	return false
}
