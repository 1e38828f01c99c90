package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
)

func ExampleTask() {
	task := runtime.Start(context.Background(), func(ctx context.Context) error {
		<-ctx.Done() // work until told to stop
		return ctx.Err()
	})
	task.Stop()
	fmt.Println(task.Wait())
	// Output: context canceled
}

// A task that ignores its context cannot be stopped, but waiting for it with
// a deadline gives an answer instead of a hang.
func ExampleTask_WaitTimeout() {
	release := make(chan struct{})
	task := runtime.Start(context.Background(), func(context.Context) error {
		<-release // ignores ctx: a bug
		return nil
	})
	task.Stop()
	err := task.WaitTimeout(10 * time.Millisecond)
	fmt.Println(errors.Is(err, runtime.ErrNotStopped))
	close(release)
	fmt.Println(task.Wait())
	// Output:
	// true
	// <nil>
}

func ExampleGroup() {
	g, ctx := runtime.WithContext(context.Background())
	g.SetLimit(2) // at most two fetches at once
	for _, url := range []string{"a", "b", "bad", "c"} {
		g.Go(func(ctx context.Context) error {
			if err := ctx.Err(); err != nil {
				return err // an earlier fetch failed: give up
			}
			if url == "bad" {
				return fmt.Errorf("fetching %s failed", url)
			}
			return nil
		})
	}
	fmt.Println(g.Wait())
	fmt.Println(context.Cause(ctx))
	// Output:
	// fetching bad failed
	// fetching bad failed
}

// A ServiceGroup runs services until the first of them returns; then it
// stops the others.
func ExampleServiceGroup() {
	g, _ := runtime.ServiceGroup(context.Background())
	g.Go(func(ctx context.Context) error { // a server
		<-ctx.Done()
		fmt.Println("server: shutting down")
		return nil
	})
	g.Go(func(ctx context.Context) error { // a job that finishes
		fmt.Println("job: done")
		return nil
	})
	fmt.Println("wait:", g.Wait())
	// Output:
	// job: done
	// server: shutting down
	// wait: <nil>
}

func ExamplePanicError() {
	var g runtime.Group
	g.Go(func(context.Context) error {
		panic("unexpected input")
	})
	err := g.Wait()
	var pe *runtime.PanicError
	if errors.As(err, &pe) {
		fmt.Println("recovered:", pe.Value)
		fmt.Println(strings.Contains(string(pe.Stack), "ExamplePanicError"))
	}
	// Output:
	// recovered: unexpected input
	// true
}

func ExampleStopper() {
	var stop runtime.Stopper
	jobs := make(chan string)
	go func() {
		defer stop.Done()
		for {
			select {
			case <-stop.Stopping():
				fmt.Println("worker: stopping")
				return
			case j := <-jobs:
				fmt.Println("worker:", j)
			}
		}
	}()
	jobs <- "job 1"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("StopAndWait:", stop.StopAndWait(ctx))
	// Output:
	// worker: job 1
	// worker: stopping
	// StopAndWait: <nil>
}

func ExamplePool() {
	ctx := context.Background()
	in := make(chan int)
	go func() {
		defer close(in)
		for i := 1; i <= 5; i++ {
			select {
			case in <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var squares []int
	for r := range runtime.Pool(ctx, 3, in, func(_ context.Context, v int) (int, error) {
		return v * v, nil
	}) {
		squares = append(squares, r.Value)
	}
	slices.Sort(squares) // results come in no particular order
	fmt.Println(squares)
	// Output: [1 4 9 16 25]
}

// PoolSeq does the feeding: no goroutine to write, and none left blocked if
// the pool stops before the inputs run out.
func ExamplePoolSeq() {
	ctx := context.Background()
	var squares []int
	for r := range runtime.PoolSeq(ctx, 3, slices.Values([]int{1, 2, 3, 4, 5}), func(_ context.Context, v int) (int, error) {
		return v * v, nil
	}) {
		squares = append(squares, r.Value)
	}
	slices.Sort(squares) // results come in no particular order
	fmt.Println(squares)
	// Output: [1 4 9 16 25]
}

func ExampleResult() {
	ctx := context.Background()
	in := make(chan string, 2)
	in <- "42"
	in <- "x"
	close(in)
	parse := func(_ context.Context, s string) (int, error) {
		var n int
		_, err := fmt.Sscan(s, &n)
		return n, err
	}
	var lines []string
	for r := range runtime.Pool(ctx, 1, in, parse) {
		if r.Err != nil {
			lines = append(lines, "error: "+r.Err.Error())
			continue
		}
		lines = append(lines, fmt.Sprint("value: ", r.Value))
	}
	fmt.Println(strings.Join(lines, "\n"))
	// Output:
	// value: 42
	// error: expected integer
}

func ExampleMerge() {
	ctx := context.Background()
	gen := func(vs ...string) <-chan string {
		ch := make(chan string)
		go func() {
			defer close(ch)
			for _, v := range vs {
				select {
				case ch <- v:
				case <-ctx.Done():
					return
				}
			}
		}()
		return ch
	}
	var all []string
	for v := range runtime.Merge(ctx, gen("a", "b"), gen("c"), gen("d", "e")) {
		all = append(all, v)
	}
	slices.Sort(all) // inputs are interleaved in no particular order
	fmt.Println(all)
	// Output: [a b c d e]
}

func ExampleEvery() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	err := runtime.Every(ctx, time.Millisecond, func(ctx context.Context) error {
		n++
		fmt.Println("poll", n)
		if n == 3 {
			cancel() // or return an error
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// poll 1
	// poll 2
	// poll 3
	// context canceled
}
