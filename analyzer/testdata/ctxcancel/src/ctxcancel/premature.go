package ctxcancel

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"os/exec"
	"time"
)

// The kind: a premature cancel. The cancel is deferred, so the context
// ends when the function returns, yet what it returns still uses it.

func openResponse(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want `is deferred, so the context ends when openResponse returns, yet the \*http.Response it returns still uses it`
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func queryRows(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want `yet the \*sql.Rows it returns still uses it`
	defer cancel()
	return db.QueryContext(ctx, "SELECT 1")
}

func command(ctx context.Context) *exec.Cmd {
	ctx, cancel := context.WithCancel(ctx) // want `yet the \*exec.Cmd it returns still uses it`
	defer cancel()
	return exec.CommandContext(ctx, "true")
}

type job struct {
	ctx  context.Context
	name string
}

func newJob(parent context.Context, name string) *job {
	ctx, cancel := context.WithCancel(parent) // want `yet the \*job it returns still uses it`
	defer cancel()
	return &job{ctx: ctx, name: name}
}

func withRequestContext(parent context.Context, req *http.Request) *http.Request {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `yet the \*http.Request it returns still uses it`
	defer cancel()
	return req.WithContext(ctx)
}

func returnsContext(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent) // want `yet the context.Context it returns still uses it`
	defer cancel()
	return ctx
}

// Silent: the body is read before the function returns.
func readBody(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Silent: only a status code leaves.
func status(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Silent: the cancel leaves with the response (its body's Close calls it).
func openWithCancel(ctx context.Context, url string) (*http.Response, context.CancelFunc, error) { // want openWithCancel:`returnsCancel\[1\]`
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return resp, cancel, nil
}

// Silent: the returned job does not hold the context.
func runJob(parent context.Context, name string) *job {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	_ = work(ctx)
	return &job{name: name}
}

// Silent: rows are scanned before the function returns.
func countRows(ctx context.Context, db *sql.DB) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// Silent here: a deferred closure that cancels only on failure is no
// premature cancel (nothing is returned then). (The closure is taken as the
// cancel's owner, so the success path is not checked either.)
func cancelOnFailure(ctx context.Context, url string) (_ *http.Request, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
}

// Through a helper, and a field of what it returns: the body reads the
// response's connection, bound to the context.
func getResponse(ctx context.Context, url string) (*http.Response, error) { // want getResponse:`keeps\[0:0\]`
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func openBody(ctx context.Context, url string) (io.ReadCloser, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want `yet the io.ReadCloser it returns still uses it`
	defer cancel()
	resp, err := getResponse(ctx, url)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Fields that cannot hold the context (a map of strings, a number): fine.
func headerOnly(ctx context.Context, url string) (http.Header, int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	resp, err := getResponse(ctx, url)
	if err != nil {
		return nil, 0, err
	}
	resp.Body.Close()
	return resp.Header, resp.StatusCode, nil
}
