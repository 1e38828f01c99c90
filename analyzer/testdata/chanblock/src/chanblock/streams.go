package chanblock

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The kind: a function returns a channel that a goroutine it starts feeds
// (a generator, a pipeline stage, an asynchronous result, an iterator);
// a caller that stops receiving before the goroutine's last send leaves
// it blocked forever. Reported at the producer's send, with the caller's
// early return as evidence.

func gsNaturals(n int) <-chan int { // want gsNaturals:`stream\[0\]\(sends=3,per=0\)`
	out := make(chan int)
	go func() {
		for i := 1; i <= n; i++ {
			out <- i // want `send blocks forever if gsFirstOver returns before draining the channel; drain it, or give gsNaturals a done channel that gsFirstOver closes`
		}
		close(out)
	}()
	return out
}

func gsFirstOver(n, limit int) int {
	for v := range gsNaturals(n) {
		if v > limit {
			return v
		}
	}
	return 0
}

// A named function as the goroutine, a break instead of a return.
func gsProduce(items []string, out chan<- string) { // want gsProduce:`chan\[1\]\(sends=3,close\)`
	defer close(out)
	for _, it := range items {
		out <- it // want `send blocks forever if gsFind returns before draining the channel`
	}
}

func gsItems(items []string) <-chan string { // want gsItems:`stream\[0\]\(sends=3,per=0\)`
	out := make(chan string)
	go gsProduce(items, out)
	return out
}

func gsFind(items []string, want string) bool {
	found := false
	for it := range gsItems(items) {
		if it == want {
			found = true
			break
		}
	}
	return found
}

// One receive from a generator that never stops.
func gsTicks() <-chan int { // want gsTicks:`stream\[0\]\(sends=3,forever\)`
	ch := make(chan int)
	go func() {
		for i := 0; ; i++ {
			ch <- i // want `send blocks forever if gsFirstTick returns before draining the channel`
		}
	}()
	return ch
}

func gsFirstTick() int {
	return <-gsTicks()
}

// A pipeline: the consumer's break leaves the last stage blocked (and the
// stages feeding it).
func gsSource(xs []int) <-chan int { // want gsSource:`stream\[0\]\(sends=3,per=0\)`
	out := make(chan int)
	go func() {
		defer close(out)
		for _, x := range xs {
			out <- x // want `send on out blocks forever`
		}
	}()
	return out
}

func gsSquare(in <-chan int) <-chan int { // want gsSquare:`stream\[0\]\(sends=3\)`
	out := make(chan int)
	go func() {
		defer close(out)
		for x := range in {
			out <- x * x // want `send blocks forever if gsSumUntil returns before draining the channel`
		}
	}()
	return out
}

func gsSumUntil(xs []int, max int) int {
	sum := 0
	for sq := range gsSquare(gsSource(xs)) {
		if sum+sq > max {
			break
		}
		sum += sq
	}
	return sum
}

// An asynchronous result: the caller may time out.
func gsAsync() <-chan error { // want gsAsync:`stream\[0\]\(sends=1,open\)`
	ch := make(chan error)
	go func() {
		ch <- raceRun() // want `send blocks forever if gsWait returns without receiving; make the channel with a buffer of 1`
	}()
	return ch
}

func gsWait(d time.Duration) error {
	select {
	case err := <-gsAsync():
		return err
	case <-time.After(d):
		return errors.New("timeout")
	}
}

// A method as the producer.
type gsLog struct{ lines []string }

func (l *gsLog) stream() <-chan string { // want stream:`stream\[0\]\(sends=3\)`
	ch := make(chan string)
	go func() {
		for _, s := range l.lines {
			ch <- s // want `send blocks forever if gsFirstLong returns before draining the channel`
		}
		close(ch)
	}()
	return ch
}

func gsFirstLong(l *gsLog) string {
	ch := l.stream()
	for {
		s, ok := <-ch
		if !ok {
			return ""
		}
		if len(s) > 80 {
			return s
		}
	}
}

// An iterator that only Stop (or draining) ends.
type gsCursor struct {
	items []string
	stop  chan struct{}
	once  sync.Once
}

func (c *gsCursor) All() <-chan string { // want All:`stream\[0\]\(sends=3,stop=Stop,select\)`
	out := make(chan string)
	go func() {
		defer close(out)
		for _, it := range c.items {
			select {
			case out <- it: // want `send blocks forever if gsContains returns without calling Stop; defer its Stop`
			case <-c.stop:
				return
			}
		}
	}()
	return out
}

func (c *gsCursor) Stop() { c.once.Do(func() { close(c.stop) }) }

func gsContains(c *gsCursor, want string) bool {
	for it := range c.All() {
		if it == want {
			return true
		}
	}
	return false
}

// Closes on some paths: the consumer's range waits forever when the
// producer leaves without closing.
func gsRows(query func() ([]int, error)) <-chan int { // want gsRows:`stream\[0\]\(sends=3,closes\?\)`
	out := make(chan int)
	go func() {
		rows, err := query()
		if err != nil {
			return
		}
		for _, r := range rows {
			out <- r
		}
		close(out)
	}()
	return out
}

func gsTotal(query func() ([]int, error)) int { // want gsTotal:`launches\[0\]`
	sum := 0
	for r := range gsRows(query) { // want `range over gsRows's channel never ends if its goroutine returns at streams.go:\d+ without closing it; close the channel on every path \(defer close\)`
		sum += r
	}
	return sum
}

// Silent: the consumer drains the channel.
func gsSumAll(n int) int {
	sum := 0
	for v := range gsNaturals(n) {
		sum += v
	}
	return sum
}

// Silent: it breaks, then drains what is left.
func gsFirstThenDrain(n, limit int) int {
	ch := gsNaturals(n)
	first := 0
	for v := range ch {
		if v > limit {
			first = v
			break
		}
	}
	for range ch {
	}
	return first
}

// Silent: the producer selects on the context the consumer cancels.
func gsCtxNaturals(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func gsCtxFirstOver(n, limit int) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for v := range gsCtxNaturals(ctx, n) {
		if v > limit {
			return v
		}
	}
	return 0
}

// Silent: a done channel the consumer closes.
func gsDoneNaturals(done <-chan struct{}, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i:
			case <-done:
				return
			}
		}
	}()
	return out
}

func gsDoneFirstOver(n, limit int) int {
	done := make(chan struct{})
	defer close(done)
	for v := range gsDoneNaturals(done, n) {
		if v > limit {
			return v
		}
	}
	return 0
}

// Silent: equal counts, a loop over the same slice and to the same n.
func gsEachOnce(items []string) int {
	ch := gsItems(items)
	n := 0
	for range items {
		n += len(<-ch)
	}
	return n
}

func gsUpTo(n int) int {
	ch := gsNaturals(n)
	sum := 0
	for i := 1; i <= n; i++ {
		sum += <-ch
	}
	return sum
}

// Silent: a buffer for the one result.
func gsAsyncBuffered() <-chan error {
	ch := make(chan error, 1)
	go func() {
		ch <- raceRun()
	}()
	return ch
}

func gsWaitBuffered(d time.Duration) error {
	select {
	case err := <-gsAsyncBuffered():
		return err
	case <-time.After(d):
		return errors.New("timeout")
	}
}

// Silent: a buffer with a slot for every element.
func gsItemsBuffered(items []string) <-chan string {
	out := make(chan string, len(items))
	go func() {
		defer close(out)
		for _, it := range items {
			out <- it
		}
	}()
	return out
}

func gsFindBuffered(items []string, want string) bool {
	for it := range gsItemsBuffered(items) {
		if it == want {
			return true
		}
	}
	return false
}

// Silent: the consumer hands the channel on (a stage of its own).
func gsForward(n int) <-chan int {
	return gsSquare(gsNaturals(n))
}

// Silent: Stop deferred, or called before the early return.
func gsContainsStopped(c *gsCursor, want string) bool {
	defer c.Stop()
	for it := range c.All() {
		if it == want {
			return true
		}
	}
	return false
}

func gsContainsStopFirst(c *gsCursor, want string) bool {
	for it := range c.All() {
		if it == want {
			c.Stop()
			return true
		}
	}
	return false
}

// Silent: a deferred close runs on every path.
func gsRowsDeferred(query func() ([]int, error)) <-chan int { // want gsRowsDeferred:`launches\[0\] stream\[0\]\(sends=3\)`
	out := make(chan int)
	go func() {
		defer close(out)
		rows, err := query()
		if err != nil {
			return
		}
		for _, r := range rows {
			out <- r
		}
	}()
	return out
}

func gsTotalDeferred(query func() ([]int, error)) int { // want gsTotalDeferred:`launches\[0\]`
	sum := 0
	for r := range gsRowsDeferred(query) {
		sum += r
	}
	return sum
}

// Silent: a helper drains what the consumer leaves.
func gsDrain(ch <-chan int) { // want gsDrain:`stopsOnlyVia\[0\] chan\[0\]\(drains\)`
	for range ch {
	}
}

func gsFirstOverDrained(n, limit int) int {
	ch := gsNaturals(n)
	defer gsDrain(ch)
	for v := range ch {
		if v > limit {
			return v
		}
	}
	return 0
}

// An iterator object: a constructor starts the goroutine that feeds a
// field, an accessor returns it, Stop ends the goroutine's selects.
type gsTail struct {
	lines chan string
	stop  chan struct{}
}

func gsFollow(src []string) *gsTail {
	t := &gsTail{lines: make(chan string), stop: make(chan struct{})}
	go t.run(src)
	return t
}

func (t *gsTail) run(src []string) {
	defer close(t.lines)
	for _, l := range src {
		select {
		case t.lines <- l: // want `send blocks forever if gsFirstMatch returns without calling Stop; defer its Stop`
		case <-t.stop:
			return
		}
	}
}

func (t *gsTail) Lines() <-chan string { return t.lines } // want Lines:`stream\[0\]\(sends=3,stop=Stop,select\)`

func (t *gsTail) Stop() { close(t.stop) }

func gsFirstMatch(src []string, bad func(string) bool) (string, error) {
	t := gsFollow(src)
	for l := range t.Lines() {
		if bad(l) {
			return "", errors.New("bad line") // Stop is not called here
		}
		if len(l) > 10 {
			t.Stop()
			return l, nil
		}
	}
	return "", nil
}

// Silent: Stop deferred; or drained to the end.
func gsFirstMatchStopped(src []string) string {
	t := gsFollow(src)
	defer t.Stop()
	for l := range t.Lines() {
		if len(l) > 10 {
			return l
		}
	}
	return ""
}

func gsAllLines(src []string) int {
	n := 0
	for range gsFollow(src).Lines() {
		n++
	}
	return n
}

// The same model for a channel a function makes for its own goroutine
// (cockroach#18101): the producer sends in a loop, the owner's range can
// return early.
func gsLocalFirst(xs []int, limit int) int {
	ch := make(chan int, 2)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x // want `send on ch blocks forever if gsLocalFirst returns before draining it; drain ch, or give the goroutine a done channel that gsLocalFirst closes`
		}
	}()
	for v := range ch {
		if v > limit {
			return v
		}
	}
	return 0
}

// ... or closes it only on some paths while the owner ranges.
func gsLocalRows(query func() ([]int, error)) int { // want gsLocalRows:`launches\[0\]`
	ch := make(chan int)
	go func() {
		rows, err := query()
		if err != nil {
			return
		}
		for _, r := range rows {
			ch <- r
		}
		close(ch)
	}()
	sum := 0
	for r := range ch { // want `range over ch never ends if the goroutine returns without closing it; close ch on every path \(defer close\)`
		sum += r
	}
	return sum
}

// Silent: drained to the end; a deferred close on every path.
func gsLocalAll(xs []int) int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, x := range xs {
			ch <- x
		}
	}()
	sum := 0
	for v := range ch {
		sum += v
	}
	return sum
}

// Silent: the producer selects on a done channel the owner closes.
func gsLocalDone(xs []int, limit int) int {
	ch := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		for _, x := range xs {
			select {
			case ch <- x:
			case <-done:
				return
			}
		}
	}()
	for v := range ch {
		if v > limit {
			return v
		}
	}
	return 0
}

// A producer whose loop also waits on ctx.Done(), its send outside that
// select: unbuffered, the send in progress when the consumer leaves
// blocks forever...
func gsTickErrs(ctx context.Context, publish func() error, errs chan error) { // want gsTickErrs:`stopsOnlyVia\[0\] chan\[2\]\(sends=3\)`
	for {
		select {
		case <-ctx.Done():
			return
		default:
		}
		if err := publish(); err != nil {
			errs <- err // want `send on errs blocks forever if gsCollect returns before draining it`
		}
	}
}

func gsCollect(publish func() error) int { // want gsCollect:`launches\[0\]`
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error)
	go gsTickErrs(ctx, publish, errs)
	n := 0
	for err := range errs {
		if errors.Is(err, context.Canceled) {
			return n
		}
		n++
	}
	return n
}

// ... silent with a buffer: once cancelled, at most one more send.
func gsCollectBuffered(publish func() error) int { // want gsCollectBuffered:`launches\[0\]`
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, 100)
	go gsTickErrs(ctx, publish, errs)
	n := 0
	for err := range errs {
		if errors.Is(err, context.Canceled) {
			return n
		}
		n++
	}
	return n
}
