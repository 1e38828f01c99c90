// Package eventsocket reconstructs fiorix/go-eventsocket#8 (commit 1f41fb2)
// before the fix: the connection's readLoop goroutine reports read errors
// on the unbuffered err channel, which only Send and ReadEvent receive from.
// When the user closes the connection and reads no more, the read error
// that the close causes has no receiver and readLoop blocks forever.
package eventsocket

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
)

const bufferSize = 1024 << 6
const eventsBuffer = 16

// Event is a reply or an event from FreeSWITCH.
type Event struct {
	Header map[string]string
	Body   string
}

// Connection is the event socket connection handler.
type Connection struct {
	conn          net.Conn
	reader        *bufio.Reader
	textreader    *textproto.Reader
	err           chan error
	cmd, api, evt chan *Event
}

func newConnection(c net.Conn) *Connection {
	h := Connection{
		conn:   c,
		reader: bufio.NewReaderSize(c, bufferSize),
		err:    make(chan error),
		cmd:    make(chan *Event),
		api:    make(chan *Event),
		evt:    make(chan *Event, eventsBuffer),
	}
	h.textreader = textproto.NewReader(h.reader)
	return &h
}

// Attach starts reading from an established connection.
func Attach(c net.Conn) *Connection {
	h := newConnection(c)
	go h.readLoop()
	return h
}

func (h *Connection) readLoop() {
	for h.readOne() {
	}
	h.Close()
}

// readOne reads a single event and sends it over the appropriate channel.
func (h *Connection) readOne() bool {
	hdr, err := h.textreader.ReadMIMEHeader()
	if err != nil {
		h.err <- err // LEAK
		return false
	}
	resp := &Event{Header: map[string]string{}}
	if v := hdr.Get("Content-Length"); v != "" {
		length, err := strconv.Atoi(v)
		if err != nil {
			h.err <- err
			return false
		}
		b := make([]byte, length)
		if _, err := io.ReadFull(h.reader, b); err != nil {
			h.err <- err
			return false
		}
		resp.Body = string(b)
	}
	for k, v := range hdr {
		resp.Header[k] = v[0]
	}
	switch hdr.Get("Content-Type") {
	case "command/reply":
		reply := hdr.Get("Reply-Text")
		if len(reply) > 1 && reply[:2] == "-E" {
			h.err <- errors.New(reply)
			return true
		}
		h.cmd <- resp
	case "api/response":
		h.api <- resp
	case "text/event-plain":
		h.evt <- resp
	}
	return true
}

// Close terminates the connection.
func (h *Connection) Close() {
	h.conn.Close()
}

// ReadEvent reads and returns events from the server.
func (h *Connection) ReadEvent() (*Event, error) {
	select {
	case err := <-h.err:
		return nil, err
	case ev := <-h.evt:
		return ev, nil
	}
}

// Send sends a command and waits for its reply.
func (h *Connection) Send(command string) (*Event, error) {
	fmt.Fprintf(h.conn, "%s\r\n\r\n", command)
	select {
	case err := <-h.err:
		return nil, err
	case ev := <-h.cmd:
		return ev, nil
	case ev := <-h.api:
		return ev, nil
	}
}
