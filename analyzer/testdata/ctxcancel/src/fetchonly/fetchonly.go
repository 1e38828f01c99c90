// Package fetchonly calls only a wrapper of http.Get, known by its
// mustClose fact.
package fetchonly

import "cancelhelper"

func status(url string) (int, error) {
	resp, err := cancelhelper.Fetch(url) // want `resp.Body from cancelhelper.Fetch is never closed`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
