package engine

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// The state encoding and the symbol keys are built on every step of the
// search, so they are written with these appenders rather than fmt, whose
// reflection and boxing dominated the search's profile.

// encInt appends n in decimal.
func encInt(b *strings.Builder, n int64) {
	var buf [20]byte
	b.Write(strconv.AppendInt(buf[:0], n, 10))
}

// encBool appends t or f.
func encBool(b *strings.Builder, v bool) {
	if v {
		b.WriteByte('t')
	} else {
		b.WriteByte('f')
	}
}

// encPtr appends the identity of the pointer p (an *ssa.Function, an
// instruction, a type): its address, which is stable for the life of the
// process, as fmt's %p is, in base 36 padded to ten digits (any address
// below 2^51), so that an encoding's length, which the search's budget
// counts, does not depend on where the allocator put things.
func encPtr(b *strings.Builder, p any) {
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer {
		var buf [16]byte
		d := strconv.AppendUint(buf[:0], uint64(v.Pointer()), 36)
		b.WriteString("0000000000"[min(len(d), 10):])
		b.Write(d)
		return
	}
	fmt.Fprintf(b, "%p", p)
}

// joinKey joins the parts of a symbol key: strings as they are, integers in
// decimal, anything else by its identity (encPtr).
func joinKey(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case int:
			encInt(&b, int64(p))
		case int64:
			encInt(&b, p)
		case uint8:
			encInt(&b, int64(p))
		default:
			encPtr(&b, p)
		}
	}
	return b.String()
}
