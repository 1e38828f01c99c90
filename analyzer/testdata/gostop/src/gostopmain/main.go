// Command gostopmain: goroutines that start at most once per process may
// run until it exits, as main itself does; those that can start per call
// cannot.
package main

import (
	"context"
	"net/http"
	"time"
)

func main() { // want main:`forever\(the loop in main.main \(main.go:\d+\) has no exit\)` main:`noReturn`
	go http.ListenAndServe("localhost:6060", nil) // a debug server for the process's life
	go stats()
	startReporter()
	go worker(context.Background())
	if len(jobs) > 0 {
		go poll() // once, on one path
	}
	for _, j := range jobs {
		go func() { // want `goroutine never stops: the loop in a function literal in main.main \(main.go:\d+\) has no exit`
			for {
				process(j)
				time.Sleep(time.Second)
			}
		}()
	}
	http.HandleFunc("/", handler)
	startTwice()
	startTwice()
	commands()
	p := &provider{stop: make(chan struct{})}
	go run(p.stop) // want `goroutine never stops: main.run returns only once stop is closed or sent on, and it is given field stop`
	select {}
}

func init() {
	go janitor()
}

var jobs []string

func stats() { // want stats:`forever`
	for range time.Tick(time.Minute) {
	}
}

// startReporter is called only by main, once.
func startReporter() {
	go func() {
		for {
			time.Sleep(time.Minute)
		}
	}()
}

func worker(ctx context.Context) { // want worker:`stopsOnlyVia\[0\]`
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func poll() { // want poll:`forever` poll:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

func janitor() { // want janitor:`forever` janitor:`noReturn`
	for {
		time.Sleep(time.Minute)
	}
}

func process(string) {}

// handler runs per request.
func handler(w http.ResponseWriter, r *http.Request) {
	go poll() // want `goroutine never stops: the loop in main.poll`
}

// startTwice is called twice, from main: two goroutines per process, as
// two go statements in main would start.
func startTwice() {
	go poll()
}

type provider struct{ stop chan struct{} }

func run(stop <-chan struct{}) { // want run:`stopsOnlyVia\[0\]`
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
		}
	}
}
