package runtime

import (
	"context"
	"sync"
)

// Merge forwards the values received from each of ins to one output channel,
// which it closes when all of ins are closed or when ctx is done, whichever
// comes first. Values from one input keep their order; values from different
// inputs are interleaved. Nil channels in ins are skipped (a nil channel is
// never closed, so it could only hold the output open until ctx is done).
//
// Merge starts one goroutine per input and one to close the output; all of
// them have returned when the output is closed. The caller must either read
// the output until it is closed, or cancel ctx: after ctx is done, Merge
// stops reading its inputs and drops the value it holds, if any, so whoever
// sends on the inputs must also select on ctx.Done() (or close them).
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, in := range ins {
		if in == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			relay(ctx, in, out, func(v T) T { return v })
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// relay sends conv(v) on out for each v received from in, until in is
// closed or ctx is done (dropping the value it holds, if any).
func relay[In, Out any](ctx context.Context, in <-chan In, out chan<- Out, conv func(In) Out) {
	for {
		select {
		case <-ctx.Done():
			return
		case v, ok := <-in:
			if !ok {
				return
			}
			select {
			case out <- conv(v):
			case <-ctx.Done():
				return
			}
		}
	}
}
