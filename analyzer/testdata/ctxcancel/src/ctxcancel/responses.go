package ctxcancel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The kind: the Body of an *http.Response from (*http.Client).Do, Get,
// Post, PostForm or http.Get must be closed on every path where the error
// is nil; the transport's goroutines serving its connection wait for it.

func statusOnly(u string) (int, error) {
	resp, err := http.Get(u) // want `resp.Body from http.Get is never closed; defer resp.Body.Close\(\) once the error is nil`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func earlyStatusReturn(c *http.Client, req *http.Request) ([]byte, error) {
	res, err := c.Do(req) // want `res.Body from \(\*http.Client\).Do is not closed on all paths; defer res.Body.Close\(\)`
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, errors.New(res.Status)
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

func probe(u string) bool {
	_, err := http.Get(u) // want `the response of http.Get is discarded, so its Body is never closed`
	return err == nil
}

func readOnly(c *http.Client, u string) (int64, error) {
	resp, err := c.Post(u, "text/plain", strings.NewReader("x")) // want `resp.Body from \(\*http.Client\).Post is never closed`
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, resp.Body) // reading is not closing
}

type poster struct{ client *http.Client }

func (p *poster) send(u string, form url.Values) error {
	resp, err := p.client.PostForm(u, form) // want `resp.Body from \(\*http.Client\).PostForm is not closed on all paths`
	if err != nil {
		return err
	}
	if resp.StatusCode >= 500 {
		return fmt.Errorf("server error %d", resp.StatusCode)
	}
	return resp.Body.Close()
}

func closedDeferred(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func returnedResponse(u string) (*http.Response, error) { // want returnedResponse:`mustClose\[0.Body\]`
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func handedToHelper(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	return drainAndClose(resp)
}

func drainAndClose(r *http.Response) error {
	_, _ = io.Copy(io.Discard, r.Body)
	return r.Body.Close()
}

func closedInClosure(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, err = io.ReadAll(resp.Body)
	return err
}

func closedOnEveryPath(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return errors.New(resp.Status)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	return err
}

func guardedByNil(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req)
	if resp != nil {
		defer resp.Body.Close()
	}
	return err
}

type holder struct{ last *http.Response }

func (h *holder) keep(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	h.last = resp // the holder closes it later
	return nil
}

func bodyHandedOn(u string, sink func(io.ReadCloser)) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	sink(resp.Body)
	return nil
}

func headIsExempt(u string) (int, error) {
	resp, err := http.Head(u) // a HEAD response has no body to read
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// A named error result kept in memory (the function defers): the test
// loads what the call stored.
func namedResults(c *http.Client, req *http.Request) (n int, err error) {
	resp, err := c.Do(req)
	if err != nil {
		return n, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return n, errors.New(resp.Status)
	}
	return 1, nil
}

// The call is expected to fail: its success path ends the process.
func expectFailure(c *http.Client, u string) error {
	_, err := c.Get(u)
	if err == nil {
		panic("want an error")
	}
	return err
}

func discardedOnSuccess(c *http.Client, u string) error {
	_, err := c.Get(u) // want `the response of \(\*http.Client\).Get is discarded`
	if err != nil {
		return err
	}
	return nil
}
