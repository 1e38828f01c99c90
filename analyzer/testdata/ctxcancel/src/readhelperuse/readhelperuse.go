// Package readhelperuse hands responses to another package's helpers,
// known by their reads facts.
package readhelperuse

import (
	"net/http"

	"cancelhelper"
)

func checked(url string) error {
	resp, err := http.Get(url) // want `resp.Body from http.Get is never closed`
	if err != nil {
		return err
	}
	return cancelhelper.CheckStatus(resp)
}

func consumed(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	return cancelhelper.Consume(resp)
}

func checkedAndClosed(url string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return cancelhelper.CheckStatus(resp)
}
