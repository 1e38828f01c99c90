package runtime_test

import (
	"context"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

func TestMergeAll(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	counts := make(map[int]int)
	var nilChan chan int
	for v := range runtime.Merge(ctx, produce(ctx, 10), produce(ctx, 20), nilChan, produce(ctx, 30)) {
		counts[v]++
	}
	for v := range 30 {
		want := 3
		if v >= 20 {
			want = 1
		} else if v >= 10 {
			want = 2
		}
		if counts[v] != want {
			t.Fatalf("value %d received %d times, want %d", v, counts[v], want)
		}
	}
}

func TestMergeOrderPerInput(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	next := 0
	for v := range runtime.Merge(ctx, produce(ctx, 100)) {
		if v != next {
			t.Fatalf("got %d, want %d", v, next)
		}
		next++
	}
}

func TestMergeNoInputs(t *testing.T) {
	leaktest.Check(t)
	for range runtime.Merge[int](context.Background()) {
		t.Fatal("value from no inputs")
	}
}

// TestMergeConsumerWalksAway cancels the context and stops reading while the
// inputs are open and the forwarders hold values: nothing may be left running.
func TestMergeConsumerWalksAway(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Merge(ctx, produce(ctx, -1), produce(ctx, -1), make(chan int))
	for range 5 {
		<-out
	}
	cancel()
}

func TestMergeClosesOutputOnCancel(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Merge(ctx, make(chan int), make(chan int)) // never closed
	cancel()
	for range out {
	}
}
