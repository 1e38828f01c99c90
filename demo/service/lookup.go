package service

import (
	"context"
	"errors"
)

// lookup stands for a slow call: a database query, an RPC.
func lookup(key string) (string, error) {
	if key == "" {
		return "", errors.New("empty key")
	}
	return "value of " + key, nil
}

type result struct {
	val string
	err error
}

// chanblock: when ctx is done first, Lookup returns and nobody ever
// receives the result: the goroutine blocks on its send forever.
func Lookup(ctx context.Context, key string) (string, error) {
	ch := make(chan result)
	go func() {
		v, err := lookup(key)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// chanblock: the first answer wins; the other goroutines block forever.
func LookupAny(keys []string) string {
	answers := make(chan string)
	for _, k := range keys {
		go func() {
			v, _ := lookup(k)
			answers <- v
		}()
	}
	return <-answers
}

// Fixed: a buffer of one lets the sender finish after Lookup returns
// (golifecheck -fix makes this change).
func LookupFixed(ctx context.Context, key string) (string, error) {
	ch := make(chan result, 1)
	go func() {
		v, err := lookup(key)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.val, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Fixed: a buffer for every goroutine.
func LookupAnyFixed(keys []string) string {
	answers := make(chan string, len(keys))
	for _, k := range keys {
		go func() {
			v, _ := lookup(k)
			answers <- v
		}()
	}
	return <-answers
}
