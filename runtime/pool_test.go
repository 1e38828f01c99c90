package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	goruntime "runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// produce sends 0, 1, ... on the returned channel until n values are sent
// (then closes it) or ctx is done; n < 0 means forever.
func produce(ctx context.Context, n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; n < 0 || i < n; i++ {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

func square(_ context.Context, v int) (int, error) { return v * v, nil }

func TestPoolAllResults(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	const n = 100
	seen := make(map[int]bool)
	for r := range runtime.Pool(ctx, 4, produce(ctx, n), square) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		seen[r.Value] = true
	}
	for i := range n {
		if !seen[i*i] {
			t.Fatalf("missing result %d", i*i)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d results, want %d", len(seen), n)
	}
}

func TestPoolErrorsAndPanics(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	f := func(_ context.Context, v int) (string, error) {
		switch v {
		case 1:
			return "", errTest
		case 2:
			panic("boom")
		}
		return fmt.Sprint(v), nil
	}
	var values, errs, panics int
	for r := range runtime.Pool(ctx, 0, produce(ctx, 10), f) {
		var pe *runtime.PanicError
		switch {
		case errors.As(r.Err, &pe):
			panics++
		case r.Err == errTest:
			errs++
		case r.Err == nil:
			values++
		default:
			t.Fatalf("unexpected error %v", r.Err)
		}
	}
	if values != 8 || errs != 1 || panics != 1 {
		t.Fatalf("got %d values, %d errors, %d panics; want 8, 1, 1", values, errs, panics)
	}
}

func TestPoolLimit(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	const workers = 3
	var active, peak atomic.Int32
	f := func(_ context.Context, v int) (int, error) {
		n := active.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		goruntime.Gosched()
		active.Add(-1)
		return v, nil
	}
	for range runtime.Pool(ctx, workers, produce(ctx, 200), f) {
	}
	if p := peak.Load(); p > workers {
		t.Fatalf("%d calls ran at once with %d workers", p, workers)
	}
}

// TestPoolConsumerWalksAway cancels the context and stops reading while the
// workers hold results and the input is still open: nothing may be left
// running (leaktest checks).
func TestPoolConsumerWalksAway(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Pool(ctx, 4, produce(ctx, -1), square)
	for range 3 {
		<-out
	}
	cancel()
}

// TestPoolClosesOutputOnCancel checks that the output is closed after a
// cancel even though the input is never closed.
func TestPoolClosesOutputOnCancel(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Pool(ctx, 2, make(chan int), square) // input never sent on nor closed
	cancel()
	for range out {
	}
}

// naturals yields 0, 1, 2, ... until the loop over it stops, and then closes
// stopped: a source that never runs out.
func naturals(stopped chan<- struct{}) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer close(stopped)
		for i := 0; yield(i); i++ {
		}
	}
}

func TestPoolSeqAllResults(t *testing.T) {
	leaktest.Check(t)
	const n = 100
	inputs := make([]int, n)
	for i := range inputs {
		inputs[i] = i
	}
	seen := make(map[int]bool)
	for r := range runtime.PoolSeq(context.Background(), 4, slices.Values(inputs), square) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		seen[r.Value] = true
	}
	for i := range n {
		if !seen[i*i] {
			t.Fatalf("missing result %d", i*i)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d results, want %d", len(seen), n)
	}
}

// TestPoolSeqPoolStopsFirst stops the pool while its source still has
// values: the feeder must stop ranging over the source, and nothing PoolSeq
// started may be left running once the output is closed (leaktest checks).
func TestPoolSeqPoolStopsFirst(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	out := runtime.PoolSeq(ctx, 4, naturals(stopped), square)
	for range 3 {
		if r := <-out; r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	cancel()
	for range out {
	}
	select {
	case <-stopped:
	default:
		t.Fatal("output closed while the feeder still ranges over the source")
	}
}

// TestPoolSeqConsumerWalksAway cancels the context and stops reading at once,
// while the feeder and the workers are blocked sending.
func TestPoolSeqConsumerWalksAway(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	out := runtime.PoolSeq(ctx, 2, naturals(stopped), square)
	<-out
	cancel()
	<-stopped
}

func TestPoolSeqSourcePanics(t *testing.T) {
	leaktest.Check(t)
	seq := func(yield func(int) bool) {
		for i := range 3 {
			if !yield(i) {
				return
			}
		}
		panic("source broke")
	}
	var values, panics int
	for r := range runtime.PoolSeq(context.Background(), 2, seq, square) {
		var pe *runtime.PanicError
		switch {
		case errors.As(r.Err, &pe) && pe.Value == "source broke":
			panics++
		case r.Err == nil:
			values++
		default:
			t.Fatalf("unexpected error %v", r.Err)
		}
	}
	if values != 3 || panics != 1 {
		t.Fatalf("got %d values and %d panics, want 3 and 1", values, panics)
	}
}

// leakTB is a testing.TB that records what leaktest reports, for
// TestPoolHandWrittenFeederLeaks; it embeds the real test for the rest.
type leakTB struct {
	testing.TB
	mu       sync.Mutex
	msgs     []string
	cleanups []func()
}

func (f *leakTB) Helper()           {}
func (f *leakTB) Failed() bool      { return false }
func (f *leakTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *leakTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

// TestPoolHandWrittenFeederLeaks shows the bug PoolSeq is for: the feeder a
// caller of Pool writes by hand blocks forever on its send once the pool has
// stopped, and leaktest finds it. PoolSeq's feeder, in the same situation,
// stops (TestPoolSeqPoolStopsFirst).
func TestPoolHandWrittenFeederLeaks(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	fake := &leakTB{TB: t}
	leaktest.CheckTimeout(fake, 50*time.Millisecond)

	in := make(chan int)
	go func() {
		defer close(in)
		for i := range 100 {
			in <- i // blocks forever once the pool has stopped: the leak
		}
	}()
	out := runtime.Pool(ctx, 2, in, square)
	<-out
	cancel()
	for range out {
	}
	for _, fn := range slices.Backward(fake.cleanups) {
		fn()
	}
	for range in { // release the feeder, so that the real check passes
	}
	if len(fake.msgs) != 1 || !strings.Contains(fake.msgs[0], "TestPoolHandWrittenFeederLeaks.func") {
		t.Fatalf("leaktest did not report the hand-written feeder: %q", fake.msgs)
	}
}
