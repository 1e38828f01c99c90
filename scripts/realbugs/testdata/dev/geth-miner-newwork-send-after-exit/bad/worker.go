// Package miner reconstructs the miner/worker.go part of
// ethereum/go-ethereum#21989 before the fix: newWorkLoop's commit closure
// sends on the unbuffered newWorkCh with a plain send. mainLoop receives it
// in a select that also returns on exitCh; once close() has closed exitCh and
// mainLoop has returned, the pending send in newWorkLoop blocks forever.
package miner

import (
	"sync"
	"sync/atomic"
	"time"
)

const (
	commitInterruptNone int32 = iota
	commitInterruptNewHead
	commitInterruptResubmit
)

type block struct{ number uint64 }

type chainHeadEvent struct{ block *block }

// newWorkReq represents a request for new sealing work.
type newWorkReq struct {
	interrupt *int32
	noempty   bool
	timestamp int64
}

type worker struct {
	chainHeadCh chan chainHeadEvent
	txsCh       chan []string
	startCh     chan struct{}
	exitCh      chan struct{}
	newWorkCh   chan *newWorkReq

	running int32
	newTxs  int32

	mu      sync.Mutex
	current *block

	commitHook func() // test hook, run at the start of commitNewWork
}

func newWorker(recommit time.Duration, hook func()) *worker {
	w := &worker{
		chainHeadCh: make(chan chainHeadEvent, 10),
		txsCh:       make(chan []string, 4096),
		startCh:     make(chan struct{}, 1),
		exitCh:      make(chan struct{}),
		newWorkCh:   make(chan *newWorkReq),
		commitHook:  hook,
	}
	go w.mainLoop()
	go w.newWorkLoop(recommit)
	return w
}

func (w *worker) isRunning() bool { return atomic.LoadInt32(&w.running) == 1 }

// close terminates all background threads maintained by the worker.
func (w *worker) close() {
	atomic.StoreInt32(&w.running, 0)
	close(w.exitCh)
}

// newWorkLoop is a standalone goroutine to submit new mining work upon received events.
func (w *worker) newWorkLoop(recommit time.Duration) {
	var (
		interrupt *int32
		timestamp int64
	)
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C // discard the initial tick

	// commit aborts in-flight transaction execution with given signal and resubmits a new one.
	commit := func(noempty bool, s int32) {
		if interrupt != nil {
			atomic.StoreInt32(interrupt, s)
		}
		interrupt = new(int32)
		w.newWorkCh <- &newWorkReq{interrupt: interrupt, noempty: noempty, timestamp: timestamp} // LEAK
		timer.Reset(recommit)
		atomic.StoreInt32(&w.newTxs, 0)
	}

	for {
		select {
		case <-w.startCh:
			timestamp = time.Now().Unix()
			commit(false, commitInterruptNewHead)
		case head := <-w.chainHeadCh:
			_ = head.block.number
			timestamp = time.Now().Unix()
			commit(false, commitInterruptNewHead)
		case <-timer.C:
			if w.isRunning() && atomic.LoadInt32(&w.newTxs) > 0 {
				commit(true, commitInterruptResubmit)
			}
		case <-w.exitCh:
			return
		}
	}
}

// mainLoop is a standalone goroutine to regenerate the sealing task based on the received event.
func (w *worker) mainLoop() {
	for {
		select {
		case req := <-w.newWorkCh:
			w.commitNewWork(req.interrupt, req.noempty, req.timestamp)
		case txs := <-w.txsCh:
			atomic.AddInt32(&w.newTxs, int32(len(txs)))
		case <-w.exitCh:
			return
		}
	}
}

func (w *worker) commitNewWork(interrupt *int32, noempty bool, timestamp int64) {
	if w.commitHook != nil {
		w.commitHook()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	n := uint64(0)
	if w.current != nil {
		n = w.current.number
	}
	w.current = &block{number: n + 1}
}
