package basic

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func compute() int { return 1 }

// The classic timeout leak: the sender blocks once the caller has left.
func timeoutLeak(ctx context.Context) int {
	ch := make(chan int)
	go func() {
		ch <- compute() // want "send blocks forever"
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// Its fix: a buffer for the one send.
func timeoutFixed(ctx context.Context) int {
	ch := make(chan int, 1)
	go func() {
		ch <- compute()
	}()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// The sibling that receives returns early; the sender blocks.
func sibling(fail bool) {
	ch := make(chan int)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		ch <- 1 // want "send blocks forever"
	}()
	go func() {
		defer wg.Done()
		if fail {
			return
		}
		<-ch
	}()
	wg.Wait()
}

// Zero workers while the collector waits for one value: only if the
// caller passes 0, which the model cannot tell. Silent.
func zeroWorkers(n int) int {
	ch := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() { ch <- i }()
	}
	return <-ch // want "receive blocks forever; zeroWorkers is called here at line 85$"
}

// Zero workers because none of the items needs one.
func zeroStarted(items []bool) int {
	ch := make(chan int, len(items))
	for i, ok := range items {
		if ok {
			go func() { ch <- i }()
		}
	}
	return <-ch // want "receive blocks forever"
}

// Zero workers because the caller passes 0.
func zeroPassed() int {
	return zeroWorkers(0)
}

// The same count on both sides: clean.
func sameCount(n int) int {
	ch := make(chan int)
	for i := 0; i < n; i++ {
		go func() { ch <- i }()
	}
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	return sum
}

// A sender on some paths only: the receiver waits forever when it does not.
func conditionalSender(err error) error {
	errc := make(chan error)
	go func() {
		if err != nil {
			errc <- err
		}
	}()
	return <-errc // want "receive blocks forever"
}

// The same condition tested on both sides: clean.
func sameCondition(err error) error {
	errc := make(chan error)
	go func() {
		if err != nil {
			errc <- err
		}
	}()
	if err != nil {
		return <-errc
	}
	return nil
}

// A close after the last send ends the range: clean.
func producer(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for v := range ch {
		n += v
	}
	return n
}

// No close: the range never ends.
func producerNoClose(xs []int) int {
	ch := make(chan int)
	go func() {
		for _, x := range xs {
			ch <- x
		}
	}()
	n := 0
	for v := range ch { // want "range blocks forever"
		n += v
	}
	return n
}

// A worker whose exit the sender triggers after its sends: clean.
type worker struct {
	jobs chan int
	done chan struct{}
}

func (w *worker) loop() {
	defer close(w.done)
	for j := range w.jobs {
		_ = j
	}
}

func useWorker(xs []int) {
	w := &worker{jobs: make(chan int), done: make(chan struct{})}
	go w.loop()
	for _, x := range xs {
		w.jobs <- x
	}
	close(w.jobs)
	<-w.done
}

// Two mutexes in opposite orders.
func lockOrder() {
	var a, b sync.Mutex
	done := make(chan bool)
	go func() {
		a.Lock()
		b.Lock() // want "lock blocks forever"
		b.Unlock()
		a.Unlock()
		done <- true
	}()
	b.Lock()
	a.Lock()
	a.Unlock()
	b.Unlock()
	<-done
}

// A Cond whose Broadcast can come before the Wait.
func condLost() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	go func() {
		c.Broadcast()
	}()
	mu.Lock()
	c.Wait() // want "condwait blocks forever"
	mu.Unlock()
}

// The predicate loop fixes it: clean.
func condLoop() {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := false
	go func() {
		mu.Lock()
		ready = true
		mu.Unlock()
		c.Broadcast()
	}()
	mu.Lock()
	for !ready {
		c.Wait()
	}
	mu.Unlock()
}

// A WaitGroup whose Done is skipped on a path.
func wgMissingDone(fail bool) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		if fail {
			return
		}
		wg.Done()
	}()
	wg.Wait() // want "wait blocks forever"
}

// A timer that fires: clean.
func timerWait() {
	t := time.NewTimer(time.Second)
	<-t.C
}

// A stopped timer's channel: blocks forever.
func timerStopped() {
	t := time.NewTimer(time.Second)
	t.Stop()
	<-t.C // want "receive blocks forever"
}

// A context cancelled after use: clean.
func ctxCancel() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-ctx.Done()
	}()
	cancel()
}

// A context never cancelled: the goroutine blocks forever.
func ctxNeverCancelled() {
	ctx, cancel := context.WithCancel(context.Background())
	_ = cancel
	go func() {
		<-ctx.Done() // want "receive blocks forever"
	}()
}

// A channel handed to code the model does not see: silent.
func escapes(f func(chan int)) {
	ch := make(chan int)
	f(ch)
	<-ch
}

var errFail = errors.New("fail")

type options struct {
	onDone func()
	n      int
}

// Functions the model does not see.
var (
	defaultOptions func() options
	connect        func(*options)
)

// A callback stored in a struct an unseen function made, then handed to
// unseen code, may close ch: nothing is reported.
func callbackInUnseenStruct() {
	ch := make(chan bool)
	go func() {
		<-ch
	}()
	o := defaultOptions()
	o.onDone = func() { close(ch) }
	connect(&o)
}

// The same callback kept in a struct the function made itself and never
// handed out: the receive blocks forever.
func callbackKept() {
	ch := make(chan bool)
	go func() {
		<-ch // want "receive blocks forever"
	}()
	o := options{n: 1}
	o.onDone = func() { close(ch) }
	_ = o.n
}

// errors.New never returns nil: the callback that closes done always runs.
func callbackOnNewError() {
	done := make(chan struct{})
	report := func(error) { close(done) }
	func() {
		err := errors.New("queue is closed")
		if err != nil {
			report(err)
		}
	}()
	<-done
}

// An error from code the model does not see may be nil: then nothing
// closes done.
func callbackOnUnseenError() {
	done := make(chan struct{})
	report := func(error) { close(done) }
	if err := unseenWork(); err != nil {
		report(err)
	}
	<-done // want "receive blocks forever"
}

var unseenWork func() error

// GOMAXPROCS is at least 1: a worker always takes the one job.
func workersPerCPU() {
	jobs := make(chan int)
	n := runtime.GOMAXPROCS(0)
	for i := 0; i < n; i++ {
		go func() {
			for range jobs {
			}
		}()
	}
	jobs <- 1
	close(jobs)
}

// A count the caller gives may be 0: then nobody takes the job. The
// engine stays silent on a zero it assumed of what the root is given.
func workersGiven(n int) {
	jobs := make(chan int)
	for i := 0; i < n; i++ {
		go func() {
			for range jobs {
			}
		}()
	}
	jobs <- 1
	close(jobs)
}

// A deleted entry is gone: nothing waits on its channel.
func deleteThenLookup() {
	pending := map[string]chan int{"a": make(chan int)}
	delete(pending, "a")
	if ch, ok := pending["a"]; ok {
		<-ch
	}
}

// Another key's delete leaves the entry: the receive blocks forever.
func deleteOtherThenLookup() {
	pending := map[string]chan int{"a": make(chan int)}
	delete(pending, "b")
	if ch, ok := pending["a"]; ok {
		<-ch // want "receive blocks forever"
	}
}

// A delete at a key the model does not know may remove any entry, or not:
// the model no longer knows what pending["a"] holds, and stays silent
// (when k is not "a" the receive does block forever: a miss).
func deleteUnknownThenLookup(k string) {
	pending := map[string]chan int{"a": make(chan int)}
	delete(pending, k)
	if ch, ok := pending["a"]; ok {
		<-ch
	}
}

// clear empties the map: nothing waits.
func clearThenLookup() {
	pending := map[string]chan int{"a": make(chan int)}
	clear(pending)
	if ch, ok := pending["a"]; ok {
		<-ch
	}
}

// A map that was given an entry, at whatever key, yields one when ranged
// over: the queue it feeds is not empty, and the worker's receive is
// answered.
func rangeFilledMap(key string) {
	items := make(map[string]int)
	items[key] = 1
	queue := make(chan string, 1)
	for id := range items {
		queue <- id
		break
	}
	done := make(chan bool)
	go func() {
		<-queue
		done <- true
	}()
	<-done
}

// An empty map yields nothing: the worker waits forever.
func rangeEmptyMap() {
	items := make(map[string]int)
	queue := make(chan string, 1)
	for id := range items {
		queue <- id
		break
	}
	done := make(chan bool)
	go func() {
		<-queue // want "receive blocks forever"
		done <- true
	}()
	select {
	case <-done:
	default:
	}
}

// An index out of range, here -1, panics in Go; the model takes the store
// as one into memory it does not follow (it failed on it before: an index
// of -1 in prometheus's main).
func storeAtLastOfEmpty() int {
	xs := make([]int, 0)
	xs[len(xs)-1] = 1
	return xs[0]
}

// A cleared map yields nothing when ranged over: the worker waits forever.
func rangeClearedMap() {
	items := map[string]int{"a": 1}
	clear(items)
	queue := make(chan string, 1)
	for id := range items {
		queue <- id
		break
	}
	done := make(chan bool)
	go func() {
		<-queue // want "receive blocks forever"
		done <- true
	}()
	select {
	case <-done:
	default:
	}
}

// A map whose entries the model knows is ranged over entry by entry, each
// key as stored: the key a range yields is found in the map again, so the
// worker sends every entry's value and nothing waits (client-go's FIFO:
// Replace queues the keys of its items map, Pop looks each one up).
func rangeKnownEntries() {
	items := map[string]int{"a": 1, "b": 2}
	var queue []string
	for id := range items {
		queue = append(queue, id)
	}
	got := make(chan int)
	go func() {
		for _, id := range queue {
			v, ok := items[id]
			if !ok {
				return
			}
			got <- v
		}
	}()
	<-got
	<-got
}

// The same, with one receive more than the map has entries.
func rangeKnownEntriesOneTooMany() {
	items := map[string]int{"a": 1, "b": 2}
	var queue []string
	for id := range items {
		queue = append(queue, id)
	}
	got := make(chan int)
	go func() {
		for _, id := range queue {
			if v, ok := items[id]; ok {
				got <- v
			}
		}
	}()
	<-got
	<-got
	<-got // want "receive blocks forever"
}

type job struct{ id int }

// An interface value holding a value is never nil: the worker does not
// return early, and sends.
func ifaceHoldsValue() {
	var obj any = job{1}
	got := make(chan job)
	go func() {
		if obj == nil {
			return
		}
		got <- obj.(job)
	}()
	<-got
}

// Nor when what it holds is a nil pointer (a typed nil), tested in a
// helper.
func ifaceHoldsNilPointer() {
	var p *job
	var obj any = p
	got := make(chan *job)
	go func() {
		if isNil(obj) {
			return
		}
		got <- obj.(*job)
	}()
	<-got
}

func isNil(v any) bool { return v == nil }

// A nil interface: the worker returns without sending, and the receive
// waits forever.
func ifaceNil() {
	var obj any
	got := make(chan job)
	go func() {
		if obj == nil {
			return
		}
		got <- obj.(job)
	}()
	<-got // want "receive blocks forever"
}

var registry = map[chan int]bool{}

func register(ch chan int) { registry[ch] = true }

// A channel stored as a key of a map the model does not follow (a
// package-level registry, as os/signal's Notify keeps its channels) escapes:
// code outside the model may send on it.
func keyInGlobalMap() {
	ch := make(chan int, 1)
	register(ch)
	<-ch
}

// In a map the function made and keeps, the key stays the model's: nothing
// sends on it.
func keyInOwnMap() {
	ch := make(chan int, 1)
	own := map[chan int]bool{}
	own[ch] = true
	<-ch // want "receive blocks forever"
}

// A key of the function's own map escapes with the map, here handed to a
// function the model does not see.
func keyInOwnMapThatEscapes(sink func(map[chan int]bool)) {
	ch := make(chan int, 1)
	own := map[chan int]bool{}
	own[ch] = true
	sink(own)
	<-ch
}

var handlers = map[chan int]*int{}

// notify registers ch in a map the model does not follow, unless it is
// there already (os/signal's Notify).
func notify(ch chan int) {
	if h := handlers[ch]; h == nil {
		handlers[ch] = new(int)
	}
}

// A channel the function just made is not yet a key of a map the model
// does not follow: the lookup misses, so notify stores it, and code outside
// the model may send on it.
func lookupFreshKey() {
	ch := make(chan int, 1)
	notify(ch)
	<-ch
}

// The two ends of an io.Pipe are one object the model does not see into:
// in the program, the reader's Read fails only after the writer's Close,
// which the model cannot tell (both ends are held by two goroutines), so
// it does not take the reader as gone while the writer still writes (io's
// TestPipe2).
func pipeReaderWriter() {
	c := make(chan int)
	r, w := io.Pipe()
	go pipeReader(r, c)
	for i := 0; i < 2; i++ {
		w.Write([]byte("x"))
		<-c
	}
	w.Close()
	<-c
}

func pipeReader(r io.Reader, c chan int) {
	buf := make([]byte, 64) // longer than the model keeps: not an object of its own
	for {
		n, err := r.Read(buf)
		if err == io.EOF {
			c <- 0
			return
		}
		c <- n
	}
}

// A reader handed to the goroutine, which the function does not use any
// more, is the goroutine's alone: when its Read fails the goroutine
// returns without sending, and the receive blocks forever.
func readerHandedOff(r io.Reader) {
	c := make(chan int)
	go func() {
		buf := make([]byte, 64)
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		c <- n
	}()
	<-c // want "receive blocks forever"
}

// A slice made with a constant length too long for the model to keep
// element by element still has that length: the worker's loop over it and
// the collector's loop to the same constant agree (kafka-go's
// testConnWriteReadConcurrently).
func longSliceSameCount() {
	const n = 100
	msgs := make([]int, n)
	written := make(chan struct{}, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range msgs {
			written <- struct{}{}
		}
	}()
	for i := 0; i != n; i++ {
		<-written
	}
	<-done
}

func makeMsgs(n int) []int { return make([]int, n) }

// The same, the slice made in a helper from the count it is given.
func longSliceFromHelper() {
	msgs := makeMsgs(100)
	written := make(chan struct{}, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range msgs {
			written <- struct{}{}
		}
	}()
	for i := 0; i != 100; i++ {
		<-written
	}
	<-done
}

type bench struct{ N int }

// Two workers take turns by the parity of a count they decrement, made
// from a field of a parameter: the model keeps no relation between
// (n-1)%2 and (n-2)%2, so it does not trust a branch on them (runtime's
// benchmarkChanSync).
func parityTurns(b *bench) {
	n := int32(b.N/2*2 + 2)
	myc := make(chan int)
	done := make(chan bool, 2)
	for p := 0; p < 2; p++ {
		go func() {
			if i := atomic.AddInt32(&n, -1); i%2 == 0 {
				<-myc
			} else {
				myc <- 0
			}
			done <- true
		}()
	}
	<-done
	<-done
}

type config struct{ workers int }

// No worker when the caller's configuration says none, which the model
// cannot tell: silent, as for a count passed directly (zeroWorkers).
func zeroWorkersInField(cfg *config) int {
	ch := make(chan int, cfg.workers)
	for i := 0; i < cfg.workers; i++ {
		go func() { ch <- i }()
	}
	return <-ch
}
