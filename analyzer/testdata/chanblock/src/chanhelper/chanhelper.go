// Package chanhelper has functions whose channel parameters other
// packages learn about from facts.
package chanhelper

// Reply sends err, and then nil as well: its return is missing.
func Reply(ch chan<- error, err error) { // want Reply:`chan\[0\]\(sends=2\)`
	if err != nil {
		ch <- err
	}
	ch <- nil
}

// Consume ranges over jobs until it is closed.
func Consume(jobs <-chan string) { // want Consume:`chan\[0\]\(drains\)`
	for j := range jobs {
		_ = j
	}
}

// Finish closes done.
func Finish(done chan<- struct{}) { // want Finish:`chan\[0\]\(close\)`
	close(done)
}

var kept []chan int

// Keep stores the channel: it escapes, so there is no fact about it.
func Keep(ch chan int) {
	kept = append(kept, ch)
}

// Lines streams lines until they run out: a generator whose callers in
// other packages learn from its fact.
func Lines(text []string) <-chan string { // want Lines:`stream\[0\]\(sends=3,per=0\)`
	out := make(chan string)
	go func() {
		defer close(out)
		for _, l := range text {
			out <- l
		}
	}()
	return out
}

// Open streams records, and closes the channel only when reading works.
func Open(read func() ([]string, error)) <-chan string { // want Open:`launches\[0\] stream\[0\]\(sends=3,closes\?\)`
	out := make(chan string)
	go func() {
		recs, err := read()
		if err != nil {
			return
		}
		for _, r := range recs {
			out <- r
		}
		close(out)
	}()
	return out
}

// A Cursor iterates until drained or stopped.
type Cursor struct {
	items []string
	stop  chan struct{}
}

func NewCursor(items []string) *Cursor {
	return &Cursor{items: items, stop: make(chan struct{})}
}

func (c *Cursor) All() <-chan string { // want All:`stream\[0\]\(sends=3,stop=Stop,select\)`
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range c.items {
			select {
			case out <- it:
			case <-c.stop:
				return
			}
		}
	}()
	return out
}

func (c *Cursor) Stop() { close(c.stop) }
