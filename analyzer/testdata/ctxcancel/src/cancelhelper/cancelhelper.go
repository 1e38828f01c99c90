// Package cancelhelper hands cancel functions to its callers; its facts are
// what cancelhelperuse's findings rest on.
package cancelhelper

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// WithDeadline returns a context and the function that releases it.
func WithDeadline(parent context.Context) (context.Context, func()) { // want WithDeadline:`returnsCancel\[1\]`
	return context.WithTimeout(parent, time.Minute)
}

// Stopper returns just the cancel, wrapped.
func Stopper(parent context.Context) func() { // want Stopper:`returnsCancel\[0\]`
	_, cancel := context.WithCancel(parent)
	return func() { cancel() }
}

// Ignore takes a callback and never calls it.
func Ignore(f func()) {} // want Ignore:`dropsParam\[0\]`

// Later calls its callback.
func Later(f func()) { defer f() }

// Registry keeps callbacks.
type Registry struct{ fns []func() }

// Add keeps f; Run calls it.
func (r *Registry) Add(f func()) { r.fns = append(r.fns, f) }

// Forget takes f and drops it.
func (r *Registry) Forget(f func()) {} // want Forget:`dropsParam\[1\]`

// Run calls the kept callbacks.
func (r *Registry) Run() {
	for _, f := range r.fns {
		f()
	}
}

// Open returns a nil cancel exactly when it returns an error.
func Open(parent context.Context, ok bool) (context.Context, context.CancelFunc, error) { // want Open:`returnsCancel\[1\] nilOnErr\[1\]`
	if !ok {
		return nil, nil, errors.New("refused")
	}
	ctx, cancel := context.WithCancel(parent)
	return ctx, cancel, nil
}

// NewRequest makes a request that keeps ctx.
func NewRequest(ctx context.Context, url string) (*http.Request, error) { // want NewRequest:`keeps\[0:0\]`
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}

// Fetch returns http.Get's response, or nil with the error: its callers
// owe the Body's Close.
func Fetch(url string) (*http.Response, error) { // want Fetch:`mustClose\[0.Body\]`
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, errors.New(resp.Status)
	}
	return resp, nil
}

// Head returns http.Head's response: no body to close.
func Head(url string) (*http.Response, error) {
	return http.Head(url)
}

// Execute reads the body, closes it and puts a reader of its bytes in
// its place (as OpenAPI-generated clients do): the response it returns
// owes nothing.
func Execute(url string) (*http.Response, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, err
}

// CheckStatus only reads the response's status: its callers still owe
// the Body's Close.
func CheckStatus(resp *http.Response) error { // want CheckStatus:`reads\[0\]`
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

// Consume reads the response's Body and closes it.
func Consume(resp *http.Response) error {
	defer resp.Body.Close()
	return CheckStatus(resp)
}
