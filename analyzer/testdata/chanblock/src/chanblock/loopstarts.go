package chanblock

import (
	"errors"
	"sync/atomic"
	"time"
)

// The kind: goroutines started in a loop each send once; the owner leaves
// before it has received from them all.

func lsPing(host string, out chan<- error) { // want lsPing:`chan\[1\]\(sends=1\)`
	if host == "" {
		out <- errors.New("empty host")
		return
	}
	out <- nil
}

// The first error returns from a receive loop over the same slice.
func lsCheckAll(hosts []string) error {
	errs := make(chan error)
	for _, h := range hosts {
		go lsPing(h, errs) // want `lsPing's send on errs blocks forever if lsCheckAll returns after receiving 1 of their values: goroutines started in a loop send on errs; receive from every goroutine, or give errs a buffer for every goroutine`
	}
	for range hosts {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// A constant count, a buffer smaller than what is left.
func lsFlush(flush func(int) error) error { // want lsFlush:`launches\[0\]`
	errc := make(chan error, 2)
	for i := 0; i < 4; i++ {
		go func() {
			errc <- flush(i) // want `send on errc blocks forever if lsFlush returns after receiving 1 of their values`
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// The last of N goroutines signals; the owner may time out first.
func lsRunAll(tasks []func(), d time.Duration) bool {
	done := make(chan struct{})
	var left atomic.Int32
	left.Store(int32(len(tasks)))
	for _, t := range tasks {
		go func() {
			t()
			if left.Add(-1) == 0 {
				done <- struct{}{} // want `send on done blocks forever if lsRunAll returns without receiving`
			}
		}()
	}
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// The first reply wins, the others block.
func lsFirst(hosts []string) error {
	out := make(chan error)
	for _, h := range hosts {
		go lsPing(h, out) // want `lsPing's send on out blocks forever: goroutines started in a loop send more values than lsFirst receives`
	}
	return <-out
}

// Silent: every value is received.
func lsCheckEvery(hosts []string) error {
	errs := make(chan error)
	for _, h := range hosts {
		go lsPing(h, errs)
	}
	var first error
	for range hosts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Silent: a buffer for every goroutine.
func lsCheckBuffered(hosts []string) error {
	errs := make(chan error, len(hosts))
	for _, h := range hosts {
		go lsPing(h, errs)
	}
	for range hosts {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// Silent: a constant buffer with room for what is left.
func lsFlushRoom(flush func(int) error) error { // want lsFlushRoom:`launches\[0\]`
	errc := make(chan error, 3)
	for i := 0; i < 4; i++ {
		go func() {
			errc <- flush(i)
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// Silent: a buffer for the one signal.
func lsRunAllBuffered(tasks []func(), d time.Duration) bool {
	done := make(chan struct{}, 1)
	var left atomic.Int32
	left.Store(int32(len(tasks)))
	for _, t := range tasks {
		go func() {
			t()
			if left.Add(-1) == 0 {
				done <- struct{}{}
			}
		}()
	}
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// Silent: it waits without a way out.
func lsRunAllWait(tasks []func()) {
	done := make(chan struct{})
	var left atomic.Int32
	left.Store(int32(len(tasks)))
	for _, t := range tasks {
		go func() {
			t()
			if left.Add(-1) == 0 {
				done <- struct{}{}
			}
		}()
	}
	<-done
}

// Silent: the senders give up when the owner has left.
func lsFirstSelect(hosts []string, quit chan struct{}) error {
	out := make(chan error)
	for _, h := range hosts {
		go func() {
			select {
			case out <- errors.New(h):
			case <-quit:
			}
		}()
	}
	return <-out
}

// A quorum: fewer receives than goroutines, a buffer of 1.
func lsQuorum(write func(int) error) error { // want lsQuorum:`launches\[0\]`
	acks := make(chan error, 1)
	for r := 0; r < 4; r++ {
		go func() {
			acks <- write(r) // want `send on acks blocks forever if lsQuorum returns after receiving 1 of their values`
		}()
	}
	for ok := 0; ok < 2; {
		if err := <-acks; err != nil {
			return err
		}
		ok++
	}
	return nil
}

// Silent: a quorum with a buffer for every reply.
func lsQuorumBuffered(write func(int) error) error { // want lsQuorumBuffered:`launches\[0\]`
	acks := make(chan error, 4)
	for r := 0; r < 4; r++ {
		go func() {
			acks <- write(r)
		}()
	}
	for ok := 0; ok < 2; {
		if err := <-acks; err != nil {
			return err
		}
		ok++
	}
	return nil
}

// Silent: a range over an int, rotated (its first test skips the loop:
// no goroutine is started either), each value received.
func lsRangeInt(procs int, work func() int) int { // want lsRangeInt:`launches\[1\]`
	results := make(chan int)
	for range procs {
		go func() { results <- work() }()
	}
	total := 0
	for range procs {
		total += <-results
	}
	return total
}

// Silent: goroutines started in nested loops, counted down by n.
func lsNested(rounds int, files []string, read func(string)) { // want lsNested:`launches\[2\]`
	n := 0
	done := make(chan bool)
	for i := 0; i < rounds; i++ {
		for _, f := range files {
			go func() {
				read(f)
				done <- true
			}()
			n++
		}
	}
	for ; n > 0; n-- {
		<-done
	}
}
