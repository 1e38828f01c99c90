package chanblock

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// A buffer of one lets the sender finish after an early return.
func buffered() (int, error) {
	ch := make(chan int, 1)
	go func() {
		ch <- compute()
	}()
	if err := validate(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

// Every path receives.
func receivedOnEveryPath() (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute()
	}()
	v := <-ch
	if err := validate(); err != nil {
		return 0, err
	}
	return v, nil
}

// The sender gives up when the context is done.
func senderSelects(ctx context.Context) (int, error) {
	ch := make(chan int)
	go func() {
		select {
		case ch <- compute():
		case <-ctx.Done():
		}
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// A send with a default never blocks.
func senderDefault(d time.Duration) {
	ch := make(chan int)
	go func() {
		select {
		case ch <- compute():
		default:
		}
	}()
	select {
	case <-ch:
	case <-time.After(d):
	}
}

// The producer closes the channel with a deferred close.
func deferredClose() []int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range 3 {
			out <- i
		}
	}()
	var all []int
	for v := range out {
		all = append(all, v)
	}
	return all
}

// The fan-in idiom: a WaitGroup, then close.
func fanIn(inputs []int) int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out <- in * 2
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	sum := 0
	for v := range out {
		sum += v
	}
	return sum
}

// As many receives as goroutines.
func gather(urls []string) []string {
	answers := make(chan string)
	for _, u := range urls {
		go func() {
			answers <- u
		}()
	}
	var all []string
	for range urls {
		all = append(all, <-answers)
	}
	return all
}

// A buffer for every goroutine.
func firstBuffered(urls []string) string {
	answers := make(chan string, len(urls))
	for _, u := range urls {
		go func() {
			answers <- u
		}()
	}
	return <-answers
}

// A fresh channel each time round the loop, received in the same round.
func perIteration(n int) int {
	sum := 0
	for range n {
		ch := make(chan int)
		go func() {
			ch <- compute()
		}()
		sum += <-ch
	}
	return sum
}

// The worker closes done when it finishes; the owner may stop waiting.
func closesDone(d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		compute()
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// A range that ends on a sentinel value.
func sentinel() {
	ch := make(chan int)
	go func() {
		for v := range ch {
			if v < 0 {
				return
			}
		}
	}()
	ch <- 1
	ch <- -1
}

// Receives in a loop: the analysis does not count them.
func loopReceive(ctx context.Context) error {
	ch := make(chan error)
	go func() {
		ch <- validate()
	}()
	for {
		select {
		case err := <-ch:
			return err
		case <-time.After(time.Second):
			// keep waiting
		}
	}
}

// Two values sent, two received.
func twoValues() (int, int) {
	ch := make(chan int)
	go func() {
		ch <- 1
		ch <- 2
	}()
	return <-ch, <-ch
}

type server struct {
	quit chan struct{}
}

// The field's channel is closed by a method.
func newServer() *server {
	s := &server{quit: make(chan struct{})}
	go func() {
		<-s.quit
	}()
	return s
}

func (s *server) Close() { close(s.quit) }

// A field assigned a channel made elsewhere may be used elsewhere.
type relay struct {
	in chan int
}

func newRelay(in chan int) *relay {
	r := &relay{in: in}
	go func() {
		<-r.in
	}()
	return r
}

// An exported accessor hands the channel out receive-only: outside code
// may receive from it, so a send on it may complete.
type feed struct {
	updates chan string
}

func newFeed() *feed {
	f := &feed{updates: make(chan string)}
	go func() {
		f.updates <- "hello"
	}()
	return f
}

func (f *feed) Updates() <-chan string { return f.updates } // want Updates:`stream\[0\]\(sends=1,open\)`

// A returned channel is used by the caller.
func results() <-chan int { // want results:`stream\[0\]\(sends=1,open\)`
	ch := make(chan int)
	go func() {
		ch <- compute()
	}()
	return ch
}

var registry = map[string]chan int{}

// A channel handed to a function value or stored in a global escapes.
func handedOn(f func(chan int)) {
	ch := make(chan int)
	f(ch)
	<-ch
	other := make(chan int)
	registry["x"] = other
	<-other
}

// signal.Notify keeps the channel and sends on it.
func notified() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
}

// A nil channel in a select disables its case.
func disabled(ctx context.Context) {
	var never chan int
	select {
	case <-never:
	case <-ctx.Done():
	}
}

// A loop that ends on a flag set after the receive.
func flagLoop() int {
	ch := make(chan int)
	go func() {
		ch <- compute()
	}()
	got, v := false, 0
	for !got {
		select {
		case v = <-ch:
			got = true
		case <-time.After(time.Millisecond):
		}
	}
	return v
}

// A helper that sends once.
func replyOnce(ch chan<- error, err error) { // want replyOnce:`chan\[0\]\(sends=1\)`
	if err != nil {
		ch <- err
		return
	}
	ch <- nil
}

func singleSend() error {
	ch := make(chan error)
	go func() {
		replyOnce(ch, validate())
	}()
	return <-ch
}

// A function handed to a launcher (by its launches fact) sends once, and
// the owner receives once.
func launched() {
	ch := make(chan int)
	f := func() { ch <- 1 }
	run(f)
	<-ch
}

func run(f func()) { go f() } // want run:`launches\[0\]`

// A send on a closed channel panics; it does not block.
func sendOnClosed() {
	ch := make(chan struct{})
	close(ch)
	ch <- struct{}{}
}

// Only the last of the goroutines sends: the one receive takes it.
func lastOneSends(n int32) {
	done := make(chan bool)
	var count atomic.Int32
	for range n {
		go func() {
			if count.Add(1) == n {
				done <- true
			}
		}()
	}
	<-done
}

// Two goroutines, two receives.
func twoGoroutines() {
	done := make(chan bool)
	for range 2 {
		go func() {
			compute()
			done <- true
		}()
	}
	<-done
	<-done
}

// The field holds a channel whose local name sends on it too.
type apply struct {
	notifyc chan struct{}
}

func applyAll(out chan<- apply) { // want applyAll:`chan\[0\]\(sends=1\)`
	notifyc := make(chan struct{}, 1)
	out <- apply{notifyc: notifyc}
	notifyc <- struct{}{}
}

func (a apply) wait() { <-a.notifyc }

// A bare loop inside a counted one: the count may end the outer loop
// before any receive, which the analysis cannot evaluate.
func nestedLoops(n int) {
	ch := make(chan int)
	go func() {
		ch <- compute()
	}()
	for i := 0; i < n; i++ {
		for {
			select {
			case <-ch:
				return
			case <-time.After(time.Millisecond):
				continue
			}
		}
	}
}

// The buffer size is a parameter the calls disagree on: the engine,
// following emitBoth's call with 0, finds the send that blocks.
func emitSome(size int) {
	out := make(chan int, size)
	out <- 1 // want `send on out blocks forever: no goroutine is left to receive it`
}

func emitBoth() {
	emitSome(0)
	emitSome(1)
}

// Or one the function is also handed around for: the call with 0 blocks.
func emitLater(size int) {
	out := make(chan int, size)
	out <- 1 // want `send on out blocks forever`
}

func emitViaValue(run func(func(int))) {
	emitLater(0)
	run(emitLater)
}

// The operands of unsafe.Sizeof, Alignof and Offsetof are never evaluated,
// even where they are not constant (a type parameter's size): a receive
// there does not block (Go's test/fixedbugs/issue62515.go).
func sizeOfReceive[G int](g G) (uintptr, uintptr, uintptr) {
	var c chan func() int
	type s struct {
		g G
		x []int
	}
	return unsafe.Sizeof(s{g, make([]int, (<-c)())}),
		unsafe.Alignof(s{g, make([]int, (<-c)())}),
		unsafe.Offsetof(s{g, make([]int, (<-c)())}.x)
}

// Nor does a send there count against a receive.
func sizeOfSend[G int](g G) uintptr {
	ch := make(chan int)
	go func() {
		ch <- 1
	}()
	n := unsafe.Sizeof(struct {
		g G
		b bool
	}{g, func() bool { ch <- 2; return true }()})
	<-ch
	return n
}

// A command's subcommand that waits for ^C: `<-make(chan T)` is written
// to block forever, as `select {}` is.
func serveUntilKilled(start func()) {
	start()
	<-make(chan struct{})
}
