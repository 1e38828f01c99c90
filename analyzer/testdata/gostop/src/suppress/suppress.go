// Package suppress exercises suppression comments of gostop findings.
package suppress

import "context"

func work() {}

func silencedOnTheLine() {
	go func() { //golifecheck:ignore gostop a daemon for the life of the process
		for {
			work()
		}
	}()
}

func otherCheckDoesNotSilence(parent context.Context) context.Context {
	//golifecheck:ignore gostop wrong check // want `golifecheck:ignore gostop silences nothing here; remove it`
	ctx, _ := context.WithCancel(parent)
	return ctx
}

func chanblockNotSilencedByGostop() {
	ready := make(chan struct{})
	go func() {
		//golifecheck:ignore gostop wrong check // want `golifecheck:ignore gostop silences nothing here; remove it`
		<-ready
	}()
}
