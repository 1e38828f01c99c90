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
