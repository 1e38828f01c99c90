// Package suppress exercises suppression comments of chanblock findings.
package suppress

func silencedChanblock() {
	ready := make(chan struct{})
	go func() {
		<-ready //golifecheck:ignore chanblock parks the goroutine for the heap dump under test
	}()
}

func chanblockNotSilencedByGostop() {
	ready := make(chan struct{})
	go func() {
		//golifecheck:ignore gostop wrong check
		<-ready // want `receive from ready blocks forever: nothing sends on ready or closes it`
	}()
}

//golifecheck:ignore chanblock nothing to silence here // want `golifecheck:ignore chanblock silences nothing here; remove it`
func unused() {}
