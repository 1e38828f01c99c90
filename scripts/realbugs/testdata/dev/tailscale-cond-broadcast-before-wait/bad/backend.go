// Package ipnlocal reconstructs tailscale/tailscale#2865 before the fix:
// requestEngineStatusAndWait holds statusLock, starts the engine's status
// request in a goroutine and then waits on the statusChanged condition. The
// status callback broadcasts without taking statusLock, so the broadcast can
// come before the Wait, which then waits for a signal that never comes.
package ipnlocal

import (
	"sync"
)

type engineStatus struct {
	peers int
}

// userspaceEngine reports its status through a callback.
type userspaceEngine struct {
	mu       sync.Mutex
	statusCb func(*engineStatus, error)
	peers    int
}

func (e *userspaceEngine) SetStatusCallback(cb func(*engineStatus, error)) {
	e.mu.Lock()
	e.statusCb = cb
	e.mu.Unlock()
}

// RequestStatus computes the status and hands it to the callback.
func (e *userspaceEngine) RequestStatus() {
	e.mu.Lock()
	cb, s := e.statusCb, &engineStatus{peers: e.peers}
	e.mu.Unlock()
	if cb != nil {
		cb(s, nil)
	}
}

// LocalBackend is the glue between the engine and the frontends.
type LocalBackend struct {
	logf func(format string, args ...any)
	e    *userspaceEngine

	mu         sync.Mutex
	engineStat *engineStatus

	statusLock    sync.Mutex
	statusChanged *sync.Cond
}

func newLocalBackend(logf func(string, ...any), e *userspaceEngine) *LocalBackend {
	b := &LocalBackend{logf: logf, e: e}
	b.statusChanged = sync.NewCond(&b.statusLock)
	e.SetStatusCallback(b.setWgengineStatus)
	return b
}

// setWgengineStatus is the engine's status callback.
func (b *LocalBackend) setWgengineStatus(s *engineStatus, err error) {
	if err != nil {
		b.logf("wgengine status error: %v", err)
		return
	}
	b.mu.Lock()
	b.engineStat = s
	b.mu.Unlock()
	b.statusChanged.Broadcast()
}

// requestEngineStatusAndWait requests the engine status and does not return
// until the status was delivered.
func (b *LocalBackend) requestEngineStatusAndWait() {
	b.logf("requestEngineStatusAndWait")

	b.statusLock.Lock()
	go b.e.RequestStatus()
	b.logf("requestEngineStatusAndWait: waiting...")
	b.statusChanged.Wait() // LEAK
	b.logf("requestEngineStatusAndWait: got status update.")
	b.statusLock.Unlock()
}
