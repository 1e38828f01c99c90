package eventsocket

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"reflect"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// fakeSwitch answers every command with +OK, like FreeSWITCH's auth reply.
func fakeSwitch(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if line == "\r\n" {
			fmt.Fprint(c, "Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
		}
	}
}

// TestSendThenClose: one command, then the user closes the connection.
func TestSendThenClose(t *testing.T) {
	client, server := net.Pipe()
	go fakeSwitch(server)
	h := Attach(client)
	if _, err := h.Send("auth ClueCon"); err != nil {
		t.Fatal(err)
	}
	h.Close()
	checkNoLeak(t)
}

// --- leak check (the same helper is copied into every case) ---

// pkgMarker names this package, so the check finds its functions on stacks.
type pkgMarker struct{}

// blockedInPackage returns the stacks of the goroutines other than the
// caller's that run, or were started by, a function of this package.
func blockedInPackage() []string {
	pkg := reflect.TypeOf(pkgMarker{}).PkgPath() + "."
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 2); err != nil {
		panic(err)
	}
	var stuck []string
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, "runtime/pprof.writeGoroutineStacks") {
			continue // this goroutine
		}
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, pkg) || strings.HasPrefix(line, "created by "+pkg) {
				stuck = append(stuck, g)
				break
			}
		}
	}
	return stuck
}

// checkNoLeak fails the test if a goroutine of the package is still there
// after a grace period.
func checkNoLeak(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(300 * time.Millisecond)
	for {
		stuck := blockedInPackage()
		if len(stuck) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutine(s) of the package still blocked:\n\n%s", len(stuck), strings.Join(stuck, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
