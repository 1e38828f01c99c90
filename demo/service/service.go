// Package service is golifecheck's demo: a small service with the lifecycle
// bugs golifecheck finds, each beside its fixed twin. Run from the
// repository root:
//
//	go build -o bin/golifecheck ./cmd/golifecheck && (cd demo && ../bin/golifecheck ./...)
package service

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"
)

// ctxcancel: the timeout's cancel is skipped on the error path.
func Fetch(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err // leaks the context and its timer
	}
	defer cancel()
	return readAll(req)
}

// Fixed: defer cancel() right after the call (the body is read before
// Fetch returns and the context is cancelled).
func FetchFixed(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return readAll(req)
}

func readAll(req *http.Request) ([]byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// ctxcancel: the cancel is deferred, so the context is cancelled when Open
// returns, but the response it returns still reads its body through that
// context: the caller's first read fails with "context canceled".
func Open(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

// Fixed: the cancel goes with the response; closing its body cancels the
// context (and every error path cancels it at once).
func OpenFixed(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose is a response body whose Close also cancels the request's
// context.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	defer c.cancel()
	return c.ReadCloser.Close()
}

// ctxcancel: signal.NotifyContext's stop is never called, so the signal
// stays captured after Run returns.
func Run(serve func(context.Context) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	_ = stop
	return serve(ctx)
}

// Fixed.
func RunFixed(serve func(context.Context) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return serve(ctx)
}

// withDeadline hands its cancel to the caller (golifecheck records this as
// a fact, so callers in other packages are checked too).
func withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, time.Now().Add(time.Minute))
}

// ctxcancel: the helper's cancel is dropped.
func Query(ctx context.Context, q string) error {
	ctx, _ = withDeadline(ctx)
	return do(ctx, q)
}

// Fixed.
func QueryFixed(ctx context.Context, q string) error {
	ctx, cancel := withDeadline(ctx)
	defer cancel()
	return do(ctx, q)
}

// Worker keeps the cancel of its context, but nothing ever calls it.
type Worker struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// ctxcancel: stored in a field that no method calls.
func NewWorker(parent context.Context) *Worker {
	w := &Worker{}
	w.ctx, w.cancel = context.WithCancel(parent)
	return w
}

// Pool is Worker fixed: Close calls the cancel.
type Pool struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func NewPool(parent context.Context) *Pool {
	p := &Pool{}
	p.ctx, p.cancel = context.WithCancel(parent)
	return p
}

func (p *Pool) Close() { p.cancel() }

func do(ctx context.Context, q string) error {
	if q == "" {
		return errors.New("empty query")
	}
	return ctx.Err()
}
