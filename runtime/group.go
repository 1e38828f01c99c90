package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// A Group is a set of goroutines working on parts of one task, sharing one
// context: the first of them to return a non-nil error (or to panic) cancels
// the context of all the others, and [Group.Wait] waits for all of them and
// returns that first error. It is errgroup.Group (golang.org/x/sync/errgroup) made
// context-first (each function receives the Group's context) and panic-safe.
//
// A [ServiceGroup] is a Group for goroutines meant to run until told to stop
// (servers, consumers): the first of them to return, even with a nil error,
// cancels the others.
//
// The zero Group is usable: its context is derived from
// [context.Background], it has no limit on active goroutines, and it
// cancels on the first error like one made by [WithContext].
//
// A Group must not be copied after first use, nor reused after Wait.
type Group struct {
	once    sync.Once // sets ctx and cancel
	ctx     context.Context
	cancel  context.CancelCauseFunc
	service bool // the first return of any kind ends the group

	wg  sync.WaitGroup
	sem chan struct{} // one token per active goroutine, if limited

	errOnce sync.Once
	err     error

	waitOnce sync.Once     // starts the goroutine that closes waited
	waited   chan struct{} // closed when all functions have returned
}

// WithContext returns a new Group and its context, derived from parent. The
// context is cancelled, with the error as its [context.Cause], the first time
// a function passed to [Group.Go] returns a non-nil error or panics, and at
// the latest when Wait returns.
func WithContext(parent context.Context) (*Group, context.Context) {
	g := new(Group)
	g.init(parent)
	return g, g.ctx
}

// ServiceGroup returns a new Group and its context, derived from parent, for
// goroutines that should run until the context is cancelled. Unlike a Group
// from [WithContext], the first function to return ends the group, whether
// its error is nil or not: its return cancels the others, and Wait returns
// its error, ignoring the errors of the others (typically ctx.Err()) as they
// shut down. The model is github.com/oklog/run: the first actor to return
// interrupts all the others; Wait returns when all have exited.
func ServiceGroup(parent context.Context) (*Group, context.Context) {
	g, ctx := WithContext(parent)
	g.service = true
	return g, ctx
}

func (g *Group) init(parent context.Context) {
	g.once.Do(func() { g.ctx, g.cancel = context.WithCancelCause(parent) })
}

// Go calls f in a new goroutine with the Group's context.
//
// f must return soon after its context is done. A panic in f is recovered and
// ends f with a *[PanicError]; a call to runtime.Goexit ends f with an error
// too. If the Group has a limit (see [Group.SetLimit]), Go blocks until a
// goroutine can be added without exceeding it.
//
// The first call to Go must happen before Wait; Go may be called from
// functions running in the Group.
func (g *Group) Go(f func(ctx context.Context) error) {
	if g.sem != nil {
		g.sem <- struct{}{}
	}
	g.start(f)
}

// TryGo is like [Group.Go] but starts f only if the Group is below its
// limit; it reports whether it did.
func (g *Group) TryGo(f func(ctx context.Context) error) bool {
	if g.sem != nil {
		select {
		case g.sem <- struct{}{}:
		default:
			return false
		}
	}
	g.start(f)
	return true
}

func (g *Group) start(f func(context.Context) error) {
	g.init(context.Background())
	g.wg.Add(1)
	go g.run(f)
}

func (g *Group) run(f func(context.Context) error) {
	err := errGoexit // unless f returns or panics
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
		g.done(err)
	}()
	err = f(g.ctx)
}

func (g *Group) done(err error) {
	if err != nil || g.service {
		g.errOnce.Do(func() {
			g.err = err
			g.cancel(err)
		})
	}
	if g.sem != nil {
		<-g.sem
	}
	g.wg.Done()
}

// Wait blocks until all functions started by Go have returned, cancels the
// Group's context, and returns the first non-nil error (for a ServiceGroup:
// the error of the first function to return, nil or not). It waits as long
// as it takes: if a function may ignore its context, use [Group.WaitTimeout]
// or [Group.WaitContext] instead.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.init(context.Background())
	g.cancel(g.err)
	return g.err
}

// WaitTimeout is like [Group.Wait] but gives up after d and returns
// [ErrNotStopped] if functions of the Group are still running. It does not
// stop them (cancel the Group's parent context for that) and, when it gives
// up, does not cancel the Group's context: the caller may call Wait,
// WaitTimeout or WaitContext again to wait longer.
//
// A ServiceGroup whose members ignore their context would otherwise hang its
// caller on shutdown:
//
//	g, ctx := runtime.ServiceGroup(ctx)
//	g.Go(server.Serve)
//	g.Go(consumer.Run)
//	<-ctx.Done() // a signal, or a member that returned
//	if err := g.WaitTimeout(10 * time.Second); errors.Is(err, runtime.ErrNotStopped) {
//		log.Fatal(err) // exit rather than hang
//	}
//
// The first call to WaitTimeout or WaitContext starts a goroutine that waits
// for the Group's functions; it returns when the last of them does.
func (g *Group) WaitTimeout(d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-g.allDone():
		return g.Wait()
	case <-timer.C:
		return g.notStopped(ErrNotStopped)
	}
}

// WaitContext is like [Group.Wait] but gives up when ctx is done and then
// returns an error that matches both [ErrNotStopped] and ctx's cause with
// [errors.Is]. Like [Group.WaitTimeout], it does not stop the Group's
// functions nor, when it gives up, cancel the Group's context.
func (g *Group) WaitContext(ctx context.Context) error {
	select {
	case <-g.allDone():
		return g.Wait()
	case <-ctx.Done():
		return g.notStopped(errNotStopped(ctx))
	}
}

// allDone returns a channel closed when all functions started by Go have
// returned, starting, once, the goroutine that closes it.
func (g *Group) allDone() <-chan struct{} {
	g.waitOnce.Do(func() {
		g.waited = make(chan struct{})
		go func() {
			g.wg.Wait()
			close(g.waited)
		}()
	})
	return g.waited
}

// notStopped returns Wait's result if the functions finished after all
// (select picks at random among ready cases), and err otherwise.
func (g *Group) notStopped(err error) error {
	select {
	case <-g.waited:
		return g.Wait()
	default:
		return err
	}
}

// SetLimit limits the number of active goroutines in the Group to n. A
// negative n removes the limit; a limit of 0 blocks every Go.
//
// SetLimit must not be called while goroutines of the Group are active.
func (g *Group) SetLimit(n int) {
	if n < 0 {
		g.sem = nil
		return
	}
	if active := len(g.sem); active != 0 {
		panic(fmt.Errorf("runtime: Group.SetLimit called while %d goroutines are active", active))
	}
	g.sem = make(chan struct{}, n)
}
