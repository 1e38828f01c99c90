package gostop

import (
	"context"
	"errors"
)

// Values whose goroutines wait on the Done of a context kept in a field,
// whose cancel, kept beside it, only Close calls: a value dropped without
// Close leaks its goroutines.

type query struct {
	ctx    context.Context
	cancel context.CancelFunc
	rows   chan int
}

func newQuery(parent context.Context) *query { // want newQuery:`mustStop\[Close\]`
	q := &query{rows: make(chan int)}
	q.ctx, q.cancel = context.WithCancel(parent)
	go q.fetch()
	return q
}

// fetch produces rows until the query is closed.
func (q *query) fetch() {
	for i := 0; ; i++ {
		select {
		case <-q.ctx.Done():
			return
		case q.rows <- i:
		}
	}
}

func (q *query) next() int { return <-q.rows }

func (q *query) Close() { q.cancel() }

func firstRow(ctx context.Context) int {
	q := newQuery(ctx) // want `goroutine started by newQuery never stops: only q.Close stops it, and firstRow never calls it; defer q.Close\(\)`
	return q.next()
}

func firstRowOrZero(ctx context.Context, skip bool) int {
	q := newQuery(ctx) // want `goroutine started by newQuery never stops: only q.Close stops it, and firstRowOrZero calls it only on some paths`
	if skip {
		return 0
	}
	defer q.Close()
	return q.next()
}

// A local value, its context made in place.
type tickOwner struct {
	ctx    context.Context
	cancel func()
	ticks  chan int
}

func (t *tickOwner) run() {
	for {
		select {
		case <-t.ctx.Done():
			return
		case t.ticks <- 1:
		}
	}
}

func (t *tickOwner) Stop() { t.cancel() }

func countTicks(parent context.Context) int {
	ctx, cancel := context.WithCancel(parent)
	t := &tickOwner{ctx: ctx, cancel: cancel, ticks: make(chan int)}
	go t.run() // want `goroutine started here never stops: its only way out is field ctx, which only Stop signals, and countTicks never calls t.Stop; defer t.Stop\(\)`
	return <-t.ticks
}

// Clean: closed, returned, kept, or closed on every path.

func allRows(ctx context.Context) int {
	q := newQuery(ctx)
	defer q.Close()
	return q.next() + q.next()
}

func openQuery(ctx context.Context) *query {
	return newQuery(ctx)
}

type session struct{ q *query }

func (s *session) open(ctx context.Context) {
	s.q = newQuery(ctx)
}

func countTicksStopped(parent context.Context) int {
	ctx, cancel := context.WithCancel(parent)
	t := &tickOwner{ctx: ctx, cancel: cancel, ticks: make(chan int)}
	go t.run()
	defer t.Stop()
	return <-t.ticks
}

func firstRowErr(ctx context.Context) (int, error) {
	q := newQuery(ctx)
	defer q.Close()
	if v := q.next(); v > 0 {
		return v, nil
	}
	return 0, errors.New("empty")
}

// A cancel that leaves the type's methods (handed to a caller): anyone
// may call it, so nothing is owed by Close.
type leasedQuery struct {
	ctx    context.Context
	cancel context.CancelFunc
	rows   chan int
}

func newLeasedQuery(parent context.Context) (*leasedQuery, context.CancelFunc) {
	q := &leasedQuery{rows: make(chan int)}
	q.ctx, q.cancel = context.WithCancel(parent)
	go q.fetch()
	return q, q.cancel
}

func (q *leasedQuery) fetch() {
	for {
		select {
		case <-q.ctx.Done():
			return
		case q.rows <- 1:
		}
	}
}

func leased(ctx context.Context) int {
	q, cancel := newLeasedQuery(ctx)
	defer cancel()
	return <-q.rows
}

// A context given by the caller: its Done is the caller's to fire.
type follower struct {
	ctx  context.Context
	rows chan int
}

func newFollower(ctx context.Context) *follower { // want newFollower:`keeps\[0:0\]`
	f := &follower{ctx: ctx, rows: make(chan int)}
	go f.run()
	return f
}

func (f *follower) run() {
	for {
		select {
		case <-f.ctx.Done():
			return
		case f.rows <- 1:
		}
	}
}

func follow(ctx context.Context) int {
	return <-newFollower(ctx).rows
}
