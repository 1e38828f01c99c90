package chanblock

import "time"

// The kind: `if !t.Stop() { <-t.C }` after the timer's value was already
// received, with no Reset in between (istio#18454): Stop returns false
// and the channel is empty.

func tdLoop(reset <-chan struct{}, quit <-chan struct{}, d time.Duration) { // want tdLoop:`stopsOnlyVia\[1\] chan\[0\]\(recv\?\) chan\[1\]\(recv\?\)`
	t := time.NewTimer(d)
	for {
		select {
		case <-t.C:
			// fired: the value is consumed, the timer is not reset
		case <-reset:
			if !t.Stop() {
				<-t.C // want `receive from the timer's channel blocks forever if its value was already received \(line \d+\): Stop then returns false and the channel is empty; drop the drain`
			}
			t.Reset(d)
		case <-quit:
			t.Stop()
			return
		}
	}
}

type tdStrategy struct {
	timer *time.Timer
	reset chan struct{}
}

func (s *tdStrategy) loop(quit <-chan struct{}) { // want loop:`stopsOnlyVia\[1\] chan\[1\]\(recv\?\)`
	for {
		select {
		case <-s.timer.C:
		case <-s.reset:
			if !s.timer.Stop() {
				<-s.timer.C // want `receive from the timer's channel blocks forever if its value was already received`
			}
			s.timer.Reset(time.Second)
		case <-quit:
			return
		}
	}
}

// Silent: the consuming case resets the timer.
func tdLoopReset(reset <-chan struct{}, quit <-chan struct{}, d time.Duration) { // want tdLoopReset:`stopsOnlyVia\[1\] chan\[0\]\(recv\?\) chan\[1\]\(recv\?\)`
	t := time.NewTimer(d)
	for {
		select {
		case <-t.C:
			t.Reset(d)
		case <-reset:
			if !t.Stop() {
				<-t.C
			}
			t.Reset(d)
		case <-quit:
			t.Stop()
			return
		}
	}
}

// Silent: nothing received the value before the drain.
func tdOnce(d time.Duration, cancel <-chan struct{}) { // want tdOnce:`chan\[1\]\(recv\?\)`
	t := time.NewTimer(d)
	select {
	case <-cancel:
		if !t.Stop() {
			<-t.C
		}
	default:
	}
}

// Silent: the value received before is followed by a new timer.
func tdRenew(d time.Duration, cancel <-chan struct{}) { // want tdRenew:`stopsOnlyVia\[1\] chan\[1\]\(recv\)`
	t := time.NewTimer(d)
	<-t.C
	t = time.NewTimer(d)
	<-cancel
	if !t.Stop() {
		<-t.C
	}
}

// Silent: a new timer each turn of the loop.
func tdEachTurn(n int, d time.Duration, past time.Duration) {
	for i := 0; i < n; i++ {
		timer := time.NewTimer(d)
		if !timer.Stop() {
			<-timer.C
		}
		timer.Reset(past)
		<-timer.C
	}
}
