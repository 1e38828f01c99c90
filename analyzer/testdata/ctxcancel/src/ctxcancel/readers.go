package ctxcancel

import (
	"fmt"
	"io"
	"net/http"
)

// The kind: a response handed to a function hands its Body's Close on
// only if that function closes the Body or hands it on in turn; a helper
// that only reads from the response (its status, its headers, its Body's
// bytes) leaves the Close to the caller.

func checkStatus(resp *http.Response) error { // want checkStatus:`reads\[0\]`
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

func statusChecked(u string) error {
	resp, err := http.Get(u) // want `resp.Body from http.Get is never closed`
	if err != nil {
		return err
	}
	return checkStatus(resp)
}

type validator struct{ header string }

func (v *validator) validate(resp *http.Response) bool { // want validate:`reads\[1\]`
	return resp.Header.Get(v.header) != ""
}

func (v *validator) fetch(c *http.Client, req *http.Request) (bool, error) {
	resp, err := c.Do(req) // want `resp.Body from \(\*http.Client\).Do is never closed`
	if err != nil {
		return false, err
	}
	return v.validate(resp), nil
}

func readAllOf(resp *http.Response) ([]byte, error) { // want readAllOf:`reads\[0\]`
	if err := checkStatus(resp); err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func readThroughHelpers(u string) ([]byte, error) {
	resp, err := http.Get(u) // want `resp.Body from http.Get is never closed`
	if err != nil {
		return nil, err
	}
	return readAllOf(resp)
}

// Clean: the helper closes the Body, hands the response on, or the caller
// closes it as well.

func closeAfterReading(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return readAllOf(resp)
}

func readAndClosed(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return closeAfterReading(resp)
}

func statusThenClose(u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return checkStatus(resp)
}

type inbox struct{ last *http.Response }

func (in *inbox) keep(resp *http.Response) { in.last = resp }

func keptByHelper(in *inbox, u string) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	in.keep(resp)
	return nil
}

func closeLater(resp *http.Response) func() error {
	return resp.Body.Close
}

func closerReturned(u string) (func() error, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	return closeLater(resp), nil
}

func handedToValue(u string, handle func(*http.Response) error) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	return handle(resp)
}

// An alias of the response's pointer type is the same type.
type respPtr = *http.Response

func aliasStatus(resp respPtr) int { return resp.StatusCode } // want aliasStatus:`reads\[0\]`

func aliasStatusChecked(u string) int {
	resp, err := http.Get(u) // want `resp.Body from http.Get is never closed`
	if err != nil {
		return 0
	}
	return aliasStatus(resp)
}
