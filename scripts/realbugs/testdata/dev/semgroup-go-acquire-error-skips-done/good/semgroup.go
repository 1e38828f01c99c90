// Package semgroup reconstructs fatih/semgroup#2 (commit 197eab7) after the
// fix: when the acquire fails, Go calls wg.Done and records the error for
// Wait.
package semgroup

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// weighted is a counting semaphore whose Acquire gives up with ctx
// (golang.org/x/sync/semaphore.Weighted in the real code).
type weighted struct{ slots chan struct{} }

func newWeighted(n int64) *weighted { return &weighted{slots: make(chan struct{}, n)} }

func (s *weighted) Acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *weighted) Release() { <-s.slots }

// Group runs functions with at most maxWorkers at a time and collects their
// errors.
type Group struct {
	sem *weighted
	wg  sync.WaitGroup
	ctx context.Context

	errs multiError
	mu   sync.Mutex // protects errs
}

// NewGroup returns a Group that runs at most maxWorkers functions at once.
func NewGroup(ctx context.Context, maxWorkers int64) *Group {
	return &Group{ctx: ctx, sem: newWeighted(maxWorkers)}
}

// Go waits for a free slot and runs f in a goroutine.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)

	if err := g.sem.Acquire(g.ctx); err != nil {
		g.wg.Done()
		g.mu.Lock()
		g.errs = append(g.errs, fmt.Errorf("couldn't acquire semaphore: %s", err))
		g.mu.Unlock()
		return
	}

	go func() {
		defer g.sem.Release()
		defer g.wg.Done()

		if err := f(); err != nil {
			g.mu.Lock()
			g.errs = append(g.errs, err)
			g.mu.Unlock()
		}
	}()
}

// Wait waits for the functions started by Go and returns their errors.
func (g *Group) Wait() error {
	g.wg.Wait()
	return g.errs.ErrorOrNil()
}

type multiError []error

func (e multiError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d error(s) occurred:\n", len(e))
	for i, err := range e {
		fmt.Fprintf(&b, "* %s", err.Error())
		if i != len(e)-1 {
			fmt.Fprintln(&b)
		}
	}
	return b.String()
}

func (e multiError) ErrorOrNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}
