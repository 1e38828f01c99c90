// Package m3ua reconstructs wmnsk/go-m3ua#11 (commit 95e48f9) after the
// fix: the state check runs in a function literal that defers the Unlock.
package m3ua

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// State is the ASP state.
type State uint8

// ASP states.
const (
	StateAspDown State = iota
	StateAspInactive
	StateAspActive
)

// ErrNotEstablished is returned by Read on a connection that is not active.
var ErrNotEstablished = errors.New("M3UA Conn not established")

type protocolDataPayload struct{ Data []byte }

type data struct{ payload *protocolDataPayload }

func (d *data) String() string { return fmt.Sprintf("DATA(%d bytes)", len(d.payload.Data)) }

// transport is the underlying SCTP association.
type transport interface {
	Write([]byte) (int, error)
	Close() error
}

// Conn is a M3UA connection.
type Conn struct {
	// mu is to Lock when updating state
	mu          *sync.Mutex
	state       State
	established chan struct{}
	beatAckChan chan struct{}
	dataChan    chan *protocolDataPayload
	errChan     chan error
	sctpConn    transport
}

func newConn(t transport) *Conn {
	return &Conn{
		mu:          new(sync.Mutex),
		state:       StateAspInactive,
		established: make(chan struct{}),
		beatAckChan: make(chan struct{}),
		dataChan:    make(chan *protocolDataPayload, 16),
		errChan:     make(chan error, 16),
		sctpConn:    t,
	}
}

// Read reads data from the connection.
func (c *Conn) Read(b []byte) (n int, err error) {
	err = func() error {
		c.mu.Lock()
		defer c.mu.Unlock()

		if c.state != StateAspActive {
			return ErrNotEstablished
		}
		return nil
	}()
	if err != nil {
		return 0, err
	}

	pd, ok := <-c.dataChan
	if !ok {
		return 0, ErrNotEstablished
	}
	copy(b, pd.Data)
	return len(pd.Data), nil
}

// handleData passes the payload of a DATA message to the reader.
func (c *Conn) handleData(d *data) {
	err := func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.state != StateAspActive {
			c.errChan <- fmt.Errorf("unexpected message: %s", d)
			return errors.New(d.String())
		}
		return nil
	}()
	if err != nil {
		// it has already emitted the error into the errChan, early exit
		return
	}

	c.dataChan <- d.payload
}

// monitor is the goroutine client and server start for each Conn: it
// consumes the errors the handlers report.
func (c *Conn) monitor(ctx context.Context, onErr func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-c.errChan:
			onErr(err)
		}
	}
}

// Close closes the connection.
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.state == StateAspDown {
		return c.sctpConn.Close()
	}
	close(c.established)
	close(c.beatAckChan)
	close(c.dataChan)
	c.state = StateAspDown
	return c.sctpConn.Close()
}
