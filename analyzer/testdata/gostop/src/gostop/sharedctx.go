package gostop

import (
	"context"
	"net"
	"time"
)

// A goroutine started per call whose only way out is the Done of a
// context every call is given the same: the server's, made before its
// accept loop. It outlives the call, so one goroutine per connection
// piles up until the server stops.

type memdApp struct{ idle time.Duration }

func (app *memdApp) listen(ctx context.Context, l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go app.handleConn(ctx, conn)
	}
}

func (app *memdApp) handleConn(ctx context.Context, conn net.Conn) {
	go func() { // want `goroutine piles up, one per call of \(\*memdApp\).handleConn: its only way out is ctx.Done\(\), and every call is given the same ctx`
		<-ctx.Done()
		conn.Close()
	}()
	buf := make([]byte, 64)
	for {
		if _, err := conn.Read(buf); err != nil {
			return
		}
	}
}

// The same with functions, and the context captured by the accept loop's
// closure.
func serveConns(ctx context.Context, l net.Listener) {
	go func() {
		<-ctx.Done()
		l.Close()
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		watchConn(ctx, c)
	}
}

func watchConn(ctx context.Context, c net.Conn) {
	go func() { // want `goroutine piles up, one per call of watchConn: its only way out is ctx.Done\(\)`
		<-ctx.Done()
		c.Close()
	}()
}

// Silent: a context for the call, a context made per iteration, a way
// out of its own, an exported function, a call outside any loop.

func (app *memdApp) listenDerived(ctx context.Context, l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go app.handleDerived(ctx, conn)
	}
}

func (app *memdApp) handleDerived(ctx context.Context, conn net.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		<-ctx.Done()
		conn.Close()
	}()
	buf := make([]byte, 64)
	_, _ = conn.Read(buf)
}

func serveTimed(ctx context.Context, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		watchTimed(cctx, c)
		cancel()
	}
}

func watchTimed(ctx context.Context, c net.Conn) {
	go func() {
		<-ctx.Done()
		c.Close()
	}()
}

func serveDone(ctx context.Context, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		watchDone(ctx, c)
	}
}

func watchDone(ctx context.Context, c net.Conn) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			c.Close()
		case <-done:
		}
	}()
	_, _ = c.Write(nil)
}

func ServeExported(ctx context.Context, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		WatchExported(ctx, c)
	}
}

func WatchExported(ctx context.Context, c net.Conn) {
	go func() {
		<-ctx.Done()
		c.Close()
	}()
}

func serveOne(ctx context.Context, l net.Listener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	watchOnce(ctx, c)
}

func watchOnce(ctx context.Context, c net.Conn) {
	go func() {
		<-ctx.Done()
		c.Close()
	}()
}
