// Package responseonly has nothing for the checks but a response: its
// Body is still followed.
package responseonly

import "net/http"

func status(url string) (int, error) {
	resp, err := http.Get(url) // want `resp.Body from http.Get is never closed`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
