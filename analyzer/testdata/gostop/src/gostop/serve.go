package gostop

import (
	"context"
	"log"
	"net"
	"net/http"
	"sync"
)

// Servers that nothing shuts down.

func unstoppable() {
	go http.ListenAndServe(":8080", nil) // want `goroutine never stops: http.ListenAndServe cannot be stopped; use an http.Server and call its Shutdown method`
}

func localServerNeverShutDown(h http.Handler) {
	srv := &http.Server{Addr: ":8081", Handler: h}
	go srv.ListenAndServe() // want `goroutine never stops: \(\*http.Server\).ListenAndServe returns only once Shutdown or Close is called, and nothing in the package calls it on this server`
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
	go a.srv.ListenAndServe() // want `nothing in the package calls it on this server`
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

// Serve on a listener: the server stops when Shutdown or Close is called,
// or when its listener is closed.

// The kind: a stop reachable only from the serving goroutine's own failure
// path cannot stop it (neon autoscaling#37).
type informantServer struct {
	srv      *http.Server
	exitOnce sync.Once
}

func newInformantServer(h http.Handler) (*informantServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &informantServer{srv: &http.Server{Handler: h}}
	go func() { // want `goroutine never stops: \(\*http.Server\).Serve returns only once Shutdown or Close is called, and only this goroutine calls it, after serving has ended`
		if err := s.srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			s.exit()
		}
	}()
	return s, nil
}

func (s *informantServer) exit() {
	s.exitOnce.Do(func() { _ = s.srv.Shutdown(context.Background()) })
}

func closeOnFailure(h http.Handler) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: h}
	go func() { // want `only this goroutine calls it, after serving has ended`
		if err := srv.Serve(ln); err != nil {
			srv.Close()
		}
	}()
}

func serveNeverStopped(h http.Handler) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: h}
	go srv.ServeTLS(ln, "cert.pem", "key.pem") // want `ServeTLS returns only once Shutdown or Close is called, and nothing in the package calls it on this server`
}

// A server that logs its listener's address and is never stopped: using
// the listener is not closing it (issue 25, item 6). Reported, in a
// function and through a closure.
func serveLogsAddr(h http.Handler) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	log.Printf("listening on %s", ln.Addr())
	srv := &http.Server{Handler: h}
	go srv.Serve(ln) // want `Serve returns only once Shutdown or Close is called, and nothing in the package calls it on this server`
}

func serveTCPLogsAddr(h http.Handler) {
	ln, _ := net.ListenTCP("tcp", &net.TCPAddr{})
	addr := ln.Addr().String()
	srv := &http.Server{Handler: h}
	go func() { // want `Serve returns only once Shutdown or Close is called, and nothing in the package calls it on this server`
		log.Printf("serving on %s", addr)
		_ = srv.Serve(ln)
	}()
}

// Silent: the address is logged and the listener closed when the function
// returns.
func serveLogsAddrClosed(h http.Handler) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	log.Printf("listening on %s", ln.Addr())
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
}

// Silent: the listener is closed, which ends Serve.
func listenerClosed(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return nil
}

// Silent: the owner's Close shuts the server down.
type ownedServer struct{ srv *http.Server }

func startOwned(ln net.Listener, h http.Handler) *ownedServer {
	o := &ownedServer{srv: &http.Server{Handler: h}}
	go func() {
		if err := o.srv.Serve(ln); err != nil {
			o.srv.Close()
		}
	}()
	return o
}

func (o *ownedServer) Close() error { return o.srv.Close() }

// Silent: the owner's context ending shuts it down.
func stopWithContext(ctx context.Context, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h}
	context.AfterFunc(ctx, func() { _ = srv.Shutdown(context.Background()) })
	go srv.Serve(ln)
}

// Silent: another goroutine shuts it down when the context ends.
func shutdownGoroutine(ctx context.Context, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
}

// Silent: a listener that does not come from package net (a parameter, a
// test's fake that accepts one connection) may end Serve by itself.
func serveGivenListener(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
}

type oneConnListener struct{ net.Listener }

func serveFake(h http.Handler) {
	srv := &http.Server{Handler: h}
	go srv.Serve(&oneConnListener{})
}

// Silent: the listener is closed by the function that captured it.
func serveClosedInParent(h http.Handler) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
}

// The owner closes the server when Serve fails, and forgets it when its
// context ends.
func closedOnServeFailure(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }() // want `goroutine never stops: \(\*http.Server\).ListenAndServe returns only once Shutdown or Close is called, and closedOnServeFailure calls it only on some paths; call Shutdown on every path`
	select {
	case err := <-errc:
		srv.Close()
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shut down when the context ends; nothing to do once Serve has failed.
func shutDownOnDone(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	}
}

// Waits for Serve to end after shutting down.
func shutDownThenWait(ctx context.Context, h http.Handler) error { // want shutDownThenWait:`stopsOnlyVia\[0\]`
	srv := &http.Server{Addr: ":8080", Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	<-ctx.Done()
	srv.Shutdown(context.Background())
	return <-errc
}

// Deferred: every path.
func closeDeferred(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	defer srv.Close()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return nil
	}
}

// Blocks until Serve returns: nothing left to stop.
func waitsForServe(ctx context.Context, h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	if ctx.Err() != nil {
		srv.Close()
	}
	return <-errc
}

// The serving call in a method the goroutine runs, on a field's server.
type apiServer struct {
	srv *http.Server
	ln  net.Listener
}

func newAPIServer(addr string, h http.Handler) (*apiServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	println("listening on", ln.Addr().String())
	return &apiServer{srv: &http.Server{Handler: h}, ln: ln}, nil
}

func (a *apiServer) serve() {
	if err := a.srv.Serve(a.ln); err != nil && err != http.ErrServerClosed {
		println(err.Error())
	}
}

func (a *apiServer) Run() {
	go a.serve() // want `goroutine never stops: \(\*http.Server\).Serve returns only once Shutdown or Close is called, and nothing in the package calls it on this server`
}

type adminServer struct {
	srv *http.Server
	ln  net.Listener
}

func newAdminServer(addr string, h http.Handler) (*adminServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &adminServer{srv: &http.Server{Handler: h}, ln: ln}, nil
}

func (a *adminServer) serve() { _ = a.srv.Serve(a.ln) }

// A listener field its owner closes: Serve then returns.
type tcpServer struct {
	srv *http.Server
	ln  net.Listener
}

func newTCPServer(addr string, h http.Handler) (*tcpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &tcpServer{srv: &http.Server{Handler: h}, ln: ln}, nil
}

func (t *tcpServer) serve() { _ = t.srv.Serve(t.ln) }

func (t *tcpServer) Run() { go t.serve() }

func (t *tcpServer) Close() error { return t.ln.Close() }

func (a *adminServer) Run() { go a.serve() }

func (a *adminServer) Close() error { return a.srv.Close() }
