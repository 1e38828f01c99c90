// Package spawneruse relies on spawner's facts.
package spawneruse

import (
	"errors"
	"spawner"
	"time"
)

func refresh() {}

func pollsForever() {
	go spawner.Poll(time.Second, refresh) // want `goroutine never stops: the loop in spawner.Poll \(spawner.go:17\) has no exit`
}

func launchesForever() {
	spawner.Go(func() { // want `goroutine never stops: the loop in spawner.Poll`
		spawner.Poll(time.Second, refresh)
	})
}

func pollsUntilStopped(stop chan struct{}) {
	go spawner.PollUntil(time.Second, refresh, stop)
	spawner.Go(refresh)
}

func refreshesForever() {
	r := spawner.NewRefresher(time.Second, refresh) // want `goroutine started by spawner.NewRefresher never stops: only r.Stop stops it, and refreshesForever never calls it; defer r.Stop\(\)`
	_ = r
}

func refreshesAWhile() {
	r := spawner.NewRefresher(time.Second, refresh)
	defer r.Stop()
	time.Sleep(time.Second)
}

func load() error { return nil }

// A Start whose Stop runs only on the error path.
func startStopOnError() error {
	p := spawner.NewPoller(refresh)
	p.Start() // want `goroutine started by p.Start never stops: only p.Stop stops it, and startStopOnError calls it only on some paths; defer p.Stop\(\) after the call`
	if err := load(); err != nil {
		p.Stop()
		return err
	}
	return nil
}

func startDeferStop() error {
	p := spawner.NewPoller(refresh)
	p.Start()
	defer p.Stop()
	return load()
}

func startReturned() *spawner.Poller {
	p := spawner.NewPoller(refresh)
	p.Start()
	return p
}

// A Poller the caller owns: the caller stops it.
func startGiven(p *spawner.Poller) { p.Start() }

type service struct{ p *spawner.Poller }

// A Poller kept in a field: the type's Close owes the stop.
func (s *service) open() { s.p.Start() }

func (s *service) Close() { s.p.Stop() }

// A service that owns a Refresher (another package's, by its mustStop
// fact), returned only on success.
type refService struct {
	r    *spawner.Refresher
	name string
}

func newService(name string) (*refService, error) {
	r := spawner.NewRefresher(time.Second, refresh) // want `goroutine started by spawner.NewRefresher is left running when newService returns an error: r.Stop is not called on that path`
	if name == "" {
		return nil, errNoName
	}
	return &refService{r: r, name: name}, nil
}

func newServiceStops(name string) (*refService, error) {
	r := spawner.NewRefresher(time.Second, refresh)
	if name == "" {
		r.Stop()
		return nil, errNoName
	}
	return &refService{r: r, name: name}, nil
}

var errNoName = errors.New("no name")
