// Command gostopexit: a cancel deferred in main.main runs as the process
// exits, so it is no attempt to stop a goroutine during the process's
// life (nats.go's examples publish forever with the context main cancels
// on its way out).
package main

import (
	"context"
	"time"
)

func main() { // want main:`forever\(the loop in main.main \(main.go:\d+\) has no exit\)`
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	go publishForever(ctx)
	r := &reporter{}
	go r.loop()
	defer r.Close()
	for {
		time.Sleep(time.Second)
	}
}

func publishForever(ctx context.Context) { // want publishForever:`forever` publishForever:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

type reporter struct{}

func (r *reporter) loop() { // want loop:`forever` loop:`noReturn`
	for {
		time.Sleep(time.Second)
	}
}

func (r *reporter) Close() {}
