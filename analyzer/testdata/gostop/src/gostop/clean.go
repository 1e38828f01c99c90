package gostop

import (
	"context"
	"errors"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

func withContext(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				work()
			}
		}
	}()
}

func withStopChannel(stop <-chan struct{}) {
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				work()
			}
		}
	}()
}

func rangeOverChannel(jobs <-chan int) {
	go func() {
		for j := range jobs {
			_ = j
		}
	}()
}

func acceptLoop(l net.Listener) {
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return // closing the listener stops the loop
			}
			conn.Close()
		}
	}()
}

func finite(wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		work()
	}()
}

func labeledBreak(in <-chan int) {
	go func() {
	loop:
		for {
			select {
			case v, ok := <-in:
				if !ok {
					break loop
				}
				_ = v
			}
		}
	}()
}

func exitsOnError(errs <-chan error) {
	go func() {
		for {
			if err := <-errs; err != nil {
				log.Fatal(err) // ends the process
			}
		}
	}()
}

func panicsOnError(check func() error) { // want panicsOnError:`launches\[0\]`
	go func() {
		for {
			if err := check(); err != nil {
				panic(err)
			}
		}
	}()
}

func checksErr(ctx context.Context) {
	go func() {
		for ctx.Err() == nil {
			work()
		}
	}()
}

func atomicFlag(stopped *atomic.Bool) {
	go func() {
		for !stopped.Load() {
			work()
		}
	}()
}

type runner interface{ Run() }

func interfaceBody(r runner) {
	go r.Run() // cannot see into it
}

func functionValue(f func()) { // want functionValue:`launches\[0\]`
	go f()
}

func unknownLauncher(run func(func())) {
	run(loop) // not a known launcher
}

func finiteLaunched() {
	spawn(work)
}

func errgroupLike(g interface{ Go(func() error) }) {
	g.Go(func() error { return errors.New("done") })
}
