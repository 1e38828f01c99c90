// Package cancelhelperuse relies on cancelhelper's facts, which go vet
// computes in a separate run: its findings must be the same in both modes.
package cancelhelperuse

import (
	"cancelhelper"
	"context"
	"net/http"
	"time"
)

func dropsHelperCancel(parent context.Context) context.Context {
	ctx, _ := cancelhelper.WithDeadline(parent) // want `the cancel function returned by cancelhelper.WithDeadline is discarded`
	return ctx
}

func neverCallsStopper(parent context.Context) {
	stop := cancelhelper.Stopper(parent) // want `returned by cancelhelper.Stopper is never called`
	_ = stop
}

func passesToIgnore(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want `is passed to Ignore, which never calls it`
	cancelhelper.Ignore(cancel)
	_ = ctx
}

func passesToForget(parent context.Context, r *cancelhelper.Registry) {
	_, cancel := context.WithCancel(parent) // want `is passed to Forget, which never calls it`
	r.Forget(cancel)
}

func callsHelperCancel(parent context.Context) {
	ctx, cancel := cancelhelper.WithDeadline(parent)
	defer cancel()
	_ = ctx
}

func passesToLater(parent context.Context) {
	_, cancel := context.WithCancel(parent)
	cancelhelper.Later(cancel)
}

func passesToRegistry(parent context.Context, r *cancelhelper.Registry) {
	_, cancel := context.WithCancel(parent)
	r.Add(cancel)
}

func returnsStopper(parent context.Context) func() { // want returnsStopper:`returnsCancel\[0\]`
	return cancelhelper.Stopper(parent)
}

// Silent: on the error path the cancel is nil (cancelhelper.Open's fact).
func opensThenDefers(parent context.Context) error {
	ctx, cancel, err := cancelhelper.Open(parent, true)
	if err != nil {
		return err
	}
	defer cancel()
	return ctx.Err()
}

func opensNilCheckReversed(parent context.Context) error {
	ctx, cancel, err := cancelhelper.Open(parent, true)
	if err == nil {
		defer cancel()
		return ctx.Err()
	}
	return err
}

// A premature cancel through another package's helper (its keeps fact).
func prepares(parent context.Context) (*http.Request, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `yet the \*http.Request it returns still uses it`
	defer cancel()
	return cancelhelper.NewRequest(ctx, "http://example.com")
}

// Silent: the request is sent and done with here.
func sends(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	req, err := cancelhelper.NewRequest(ctx, "http://example.com")
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// A wrapper's response, by its mustClose fact, is owed its Close too.
func fetchStatus(url string) (int, error) {
	resp, err := cancelhelper.Fetch(url) // want `resp.Body from cancelhelper.Fetch is never closed`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func fetchClosed(url string) (int, error) {
	resp, err := cancelhelper.Fetch(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

func headStatus(url string) (int, error) {
	resp, err := cancelhelper.Head(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func executeStatus(url string) (int, error) {
	resp, err := cancelhelper.Execute(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
