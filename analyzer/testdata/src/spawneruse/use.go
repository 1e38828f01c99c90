// Package spawneruse relies on spawner's facts.
package spawneruse

import (
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
