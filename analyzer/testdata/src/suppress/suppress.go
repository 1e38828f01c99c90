// Package suppress exercises suppression comments.
package suppress

import (
	"context"
	"time"
)

func work() {}

func silencedAbove(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel the context lives as long as the process
	ctx, _ := context.WithTimeout(parent, time.Hour)
	return ctx
}

func silencedOnTheLine() {
	go func() { //golifecheck:ignore gostop a daemon for the life of the process
		for {
			work()
		}
	}()
}

func silencedByNolint(parent context.Context) context.Context {
	ctx, _ := context.WithCancel(parent) //nolint:golifecheck // the caller's problem
	return ctx
}

func otherCheckDoesNotSilence(parent context.Context) context.Context {
	//golifecheck:ignore gostop wrong check // want `golifecheck:ignore gostop silences nothing here; remove it`
	ctx, _ := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is discarded`
	return ctx
}

func noReason(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel // want `golifecheck:ignore ctxcancel needs a reason`
	ctx, _ := context.WithCancel(parent)
	return ctx
}

//golifecheck:ignore chanblok typo // want `golifecheck:ignore names unknown check chanblok`
func unknownCheck() {}

//golifecheck:ignore ctxcancel nothing to silence here // want `golifecheck:ignore ctxcancel silences nothing here; remove it`
func unused() {}

func silencedChanblock() {
	ready := make(chan struct{})
	go func() {
		<-ready //golifecheck:ignore chanblock parks the goroutine for the heap dump under test
	}()
}

func chanblockNotSilencedByGostop() {
	ready := make(chan struct{})
	go func() {
		//golifecheck:ignore gostop wrong check // want `golifecheck:ignore gostop silences nothing here; remove it`
		<-ready // want `receive from ready blocks forever: nothing sends on ready or closes it`
	}()
}
