package gostop

import (
	"context"
	"log"
	"net"
	"net/http"
)

// Servers that nothing shuts down.

func unstoppable() {
	go http.ListenAndServe(":8080", nil) // want `goroutine never stops: http.ListenAndServe's server cannot be shut down; use an http.Server and call its Shutdown method`
}

func localServerNeverShutDown(h http.Handler) {
	srv := &http.Server{Addr: ":8081", Handler: h}
	go srv.ListenAndServe() // want `goroutine never stops: \(\*http.Server\).ListenAndServe returns only once Shutdown or Close is called, and nothing in the package calls them on this server`
}

func closureServerNeverShutDown(h http.Handler) {
	srv := &http.Server{Addr: ":8082", Handler: h}
	go func() { // want `goroutine never stops: \(\*http.Server\).ListenAndServe returns only once`
		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
			log.Print(err)
		}
	}()
}

type app struct {
	srv *http.Server
}

func (a *app) start() {
	go a.srv.ListenAndServe() // want `nothing in the package calls them on this server`
}

// Servers that are shut down, or that the analysis cannot follow.

func closedOnReturn(h http.Handler, done <-chan struct{}) { // want closedOnReturn:`chan\[1\]\(recv\)`
	srv := &http.Server{Addr: ":8083", Handler: h}
	defer srv.Close()
	go srv.ListenAndServe()
	<-done
}

func shutDownLater(ctx context.Context, h http.Handler) error { // want shutDownLater:`stopsOnlyVia\[0\]`
	srv := &http.Server{Addr: ":8084", Handler: h}
	go func() {
		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
			log.Print(err)
		}
	}()
	<-ctx.Done()
	return srv.Shutdown(context.Background())
}

type service struct {
	srv *http.Server
}

func (s *service) start() { go s.srv.ListenAndServe() }

func (s *service) stop(ctx context.Context) error { return s.srv.Shutdown(ctx) }

func returned(h http.Handler) *http.Server {
	srv := &http.Server{Addr: ":8085", Handler: h}
	go srv.ListenAndServe()
	return srv // the caller may shut it down
}

func handedOn(h http.Handler, register func(*http.Server)) {
	srv := &http.Server{Addr: ":8086", Handler: h}
	register(srv)
	go srv.ListenAndServe()
}

func servesListener(srv *http.Server, l net.Listener) {
	go srv.Serve(l) // closing l stops it
}
