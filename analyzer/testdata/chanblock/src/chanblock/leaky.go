// Package chanblock holds the chanblock check's cases: leaky.go must be
// reported, clean.go must not.
package chanblock

import (
	"context"
	"errors"
	"net/http"
	"time"
)

func compute() int { return 42 }

func validate() error { return nil }

// The error return between the start and the receive strands the sender.
func earlyReturn() (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute() // want `send on ch blocks forever if earlyReturn returns without receiving; make ch with a buffer of 1`
	}()
	if err := validate(); err != nil {
		return 0, err
	}
	return <-ch, nil
}

// The timeout leak: the caller stops waiting on ctx.Done().
func withContext(ctx context.Context) (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute() // want `send on ch blocks forever if withContext returns without receiving`
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// The same with time.After, and an explicit zero buffer.
func withTimeout(d time.Duration) error {
	done := make(chan error, 0)
	go func() {
		done <- validate() // want `send on done blocks forever if withTimeout returns without receiving`
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return errors.New("timed out")
	}
}

// The server's error is sent after Shutdown, when nobody listens.
func serve(ctx context.Context, srv *http.Server) error {
	errc := make(chan error)
	go func() {
		errc <- srv.ListenAndServe() // want `send on errc blocks forever if serve returns without receiving`
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	}
}

// The N-cast leak: the first answer wins, the others wait forever.
func first(urls []string) string {
	answers := make(chan string)
	for _, u := range urls {
		go func() {
			answers <- u // want `send on answers blocks forever: goroutines started in a loop send more values than first receives; give answers a buffer for every goroutine`
		}()
	}
	return <-answers
}

// The worker pool whose owner forgets to close the queue.
func pool(items []int) {
	queue := make(chan int)
	for range 4 {
		go func() {
			for it := range queue { // want `range over queue never ends: nothing closes queue; close it after the last send`
				_ = it
			}
		}()
	}
	for _, it := range items {
		queue <- it
	}
}

// A named worker ranging over its parameter: reported where it starts.
func worker(jobs <-chan int) { // want worker:`chan\[0\]\(drains\)`
	for j := range jobs {
		_ = j
	}
}

func namedPool(items []int) {
	jobs := make(chan int)
	go worker(jobs) // want `worker's range over jobs never ends: nothing closes jobs; close it after the last send`
	for _, it := range items {
		jobs <- it
	}
}

// The done channel nobody closes.
func forgotClose() {
	done := make(chan struct{})
	go func() {
		compute()
	}()
	<-done // want `receive from done blocks forever: nothing sends on done or closes it`
}

// The result nobody reads.
func noReader() {
	results := make(chan int)
	go func() {
		results <- compute() // want `send on results blocks forever: nothing receives from results`
	}()
}

// A range in the owner that nothing closes.
func collect() []int {
	out := make(chan int)
	go func() {
		for i := range 3 {
			out <- i
		}
	}()
	var all []int
	for v := range out { // want `range over out never ends: nothing closes out; close it after the last send`
		all = append(all, v)
	}
	return all
}

// A helper that sends twice on the error path (its return is missing).
func reply(ch chan<- error, err error) { // want reply:`chan\[0\]\(sends=2\)`
	if err != nil {
		ch <- err
	}
	ch <- nil
}

func doubleSend() error {
	ch := make(chan error)
	go func() {
		reply(ch, validate()) // want `reply's send on ch blocks forever if doubleSend returns after receiving 1 of 2 values`
	}()
	return <-ch
}

// Nil channels block forever outside a select.
func nilChannels() {
	var ch chan int
	go func() {
		ch <- 1 // want `send on a nil channel blocks forever`
	}()
	<-ch // want `receive from a nil channel blocks forever`
}

// A stop channel kept in a field that nothing in the package closes.
type ticker struct {
	stop chan struct{}
	tick chan int
}

func newTicker() *ticker {
	t := &ticker{stop: make(chan struct{}), tick: make(chan int)}
	go func() {
		<-t.stop // want `receive from field stop blocks forever: nothing in the package sends on stop or closes it`
	}()
	return t
}

// The unexported accessor returns it; its callers only receive.
func (t *ticker) stopped() <-chan struct{} { return t.stop }

func (t *ticker) wait() {
	<-t.stopped() // want `receive from field stop blocks forever`
}

// Nothing in the package receives from tick: the function that hands it
// out is unexported, and its one caller takes only its length.
func (t *ticker) emit(v int) {
	t.tick <- v // want `send on field tick blocks forever: nothing in the package receives from tick`
}

func ticks(t *ticker) chan int { return t.tick }

func (t *ticker) count() int { return len(ticks(t)) }

// A goroutine that also loops forever is reported once, here, and not
// again by gostop at its go statement.
func reportedOnce() {
	stop := make(chan struct{})
	go func() {
		for {
			<-stop // want `receive from stop blocks forever: nothing sends on stop or closes it`
			compute()
		}
	}()
}

// A receive in a bare loop whose other case returns: the timeout leak with
// a retry.
func pollUntil(ctx context.Context, tick <-chan time.Time) error { // want pollUntil:`chan\[1\]\(recv\?,until\[0\]\)`
	errc := make(chan error)
	go func() {
		errc <- validate() // want `send on errc blocks forever if pollUntil returns without receiving; make errc with a buffer of 1`
	}()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick:
			compute()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// The buffer size is a parameter, and the only call passes 0.
func emit(size int) {
	out := make(chan int, size)
	out <- 1 // want `send on out blocks forever: nothing receives from out`
}

func emitUnbuffered() { emit(0) }

// A field nothing receives from, closed when the monitor stops: the send
// blocks until then, and then panics.
type framer struct {
	reset chan bool
}

func newFramer() *framer {
	f := &framer{reset: make(chan bool)}
	go f.monitor()
	return f
}

func (f *framer) monitor() {
	defer close(f.reset)
	compute()
}

func (f *framer) write() {
	f.reset <- true // want `send on field reset never completes: nothing in the package receives from reset, and closing it makes the send panic`
}

// In a goroutine it is a leak all the same.
func parkForever() {
	go func() {
		<-make(chan struct{}) // want `receive from the channel blocks forever: nothing sends on the channel or closes it`
	}()
}
