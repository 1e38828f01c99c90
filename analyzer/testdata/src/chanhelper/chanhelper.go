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
