package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"
)

// Goroutines started once per process that the program tries to stop:
// the exemption of main's goroutines ends there, and they must stop.

// spin ignores the context it is given.
func spin(ctx context.Context) { // want spin:`forever` spin:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

// watch returns once its context is done.
func watch(ctx context.Context) { // want watch:`stopsOnlyVia\[0\]`
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func runCancelled() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go spin(ctx) // want `goroutine never stops: the loop in main.spin`
	go watch(ctx)
	wait()
}

func runCapturedCancel() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	go func() { // want `goroutine never stops: the loop in a function literal in main.runCapturedCancel`
		for {
			_ = ctx
			time.Sleep(time.Second)
		}
	}()
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		<-sig
		cancel()
	}()
	wait()
}

// pump ignores its stop channel.
func pump(stop <-chan struct{}) { // want pump:`forever` pump:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

func runClosed() {
	stop := make(chan struct{})
	go pump(stop) // want `goroutine never stops: the loop in main.pump`
	go func() {
		wait()
		close(stop)
	}()
	wait()
}

func runNeverClosed() {
	stop := make(chan struct{})
	go pump(stop) // nothing tries to stop it: it runs for the process's life
	wait()
}

// A reporter is stopped by its Close, but its loop never looks.
type reporter struct{ every time.Duration }

func (r *reporter) loop() { // want loop:`forever` loop:`noReturn`
	for {
		time.Sleep(r.every)
	}
}

func (r *reporter) Close() error { return nil }

func runOwnerClosed() {
	r := &reporter{every: time.Second}
	go r.loop() // want `goroutine never stops: the loop in \(\*main.reporter\).loop`
	defer r.Close()
	wait()
}

// A flusher has a Close nobody calls: its goroutine may run for the
// process's life.
type flusher struct{}

func (f *flusher) loop() { // want loop:`forever` loop:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

func (f *flusher) Close() error { return nil }

func runOwnerKept() {
	f := &flusher{}
	go f.loop()
	wait()
}

// cancelledButHonoured: the goroutine stops when the context is done.
func cancelledButHonoured() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watch(ctx)
	wait()
}

// Subcommands: each command's RunE runs once per process, and so does the
// helper that two of them call.

func startDebug() {
	go spinForever()
}

func spinForever() { // want spinForever:`forever` spinForever:`noReturn`
	for {
		time.Sleep(time.Minute)
	}
}

func serveCmd() *cobra.Command {
	return &cobra.Command{Use: "serve", RunE: func(*cobra.Command, []string) error {
		startDebug()
		go spinForever()
		return nil
	}}
}

func agentCmd() *cobra.Command {
	return &cobra.Command{Use: "agent", Run: runAgent}
}

func runAgent(*cobra.Command, []string) {
	startDebug()
	for i := 0; i < 3; i++ {
		go spinForever() // want `goroutine never stops: the loop in main.spinForever`
	}
}

func commands() {
	root := &cobra.Command{Use: "tool"}
	root.AddCommand(serveCmd(), agentCmd())
	root.Execute()
	runCancelled()
	runCapturedCancel()
	runClosed()
	runNeverClosed()
	runOwnerClosed()
	runOwnerKept()
	cancelledButHonoured()
}

func wait() { time.Sleep(time.Hour) }
