package engine

import (
	"fmt"
	"go/constant"
	"go/token"
	"math"
	"strings"
)

// volatile reports whether a branch on c depends on data that goroutines
// share outside the model's synchronization (an atomic counter, memory code
// outside the model writes): the model cannot tell which way it goes for
// each of them.
func volatile(c value) bool {
	switch c := c.(type) {
	case symV:
		return strings.Contains(c.key, "~")
	case cmpV:
		return strings.Contains(c.sym, "~")
	}
	return false
}

// not returns the negation of a boolean value.
func not(x value) value {
	switch x := x.(type) {
	case constV:
		if x.c.Kind() == constant.Bool {
			return constV{constant.MakeBool(!constant.BoolVal(x.c))}
		}
	case symV:
		return symV{negate(x.key)}
	case cmpV:
		return cmpV{x.sym, negOp[x.op], x.k}
	}
	return top
}

var negOp = map[token.Token]token.Token{
	token.LSS: token.GEQ, token.GEQ: token.LSS, token.GTR: token.LEQ, token.LEQ: token.GTR,
	token.EQL: token.NEQ, token.NEQ: token.EQL,
}

// flipOp is the operator with the operands swapped: k < s is s > k.
var flipOp = map[token.Token]token.Token{
	token.LSS: token.GTR, token.GTR: token.LSS, token.LEQ: token.GEQ, token.GEQ: token.LEQ,
	token.EQL: token.EQL, token.NEQ: token.NEQ,
}

func unop(op token.Token, x value) value {
	switch x := x.(type) {
	case constV:
		if x.c.Kind() == constant.Int || x.c.Kind() == constant.Float {
			return constV{constant.UnaryOp(op, x.c, 0)}
		}
	case symV:
		return symV{op.String() + "(" + x.key + ")"}
	}
	return top
}

// binop evaluates x op y: constants are folded; comparisons of an integer
// symbol with a constant become a cmpV, of references are decided, of
// other symbols become a symbol shared by both orders of the operands.
func binop(op token.Token, x, y value) value {
	if _, ok := negOp[op]; ok {
		return compare(op, x, y)
	}
	cx, okx := x.(constV)
	cy, oky := y.(constV)
	if okx && oky {
		return fold(op, cx.c, cy.c)
	}
	if isTop(x) || isTop(y) {
		return top
	}
	// Arithmetic on a count: the model keeps no relation between the
	// result and the count's bounds (len(tasks)-1 against the trips of the
	// loop over tasks), so a branch on it is not trusted (volatile).
	kx, ky := keyOf(x), keyOf(y)
	if len(kx)+len(ky) > maxKey {
		return top // see maxKey
	}
	key := "(" + op.String() + " " + kx + " " + ky + ")"
	if isCount(kx) || isCount(ky) {
		key = "~" + key
	}
	return symV{key}
}

// maxKey bounds the key of a symbol arithmetic makes, in bytes: a longer
// one is unknown (top). Straight-line arithmetic (runtime's size classes)
// nests keys in keys, and every step on them, and every state holding
// them, paid for their length; two goroutines testing one expression that
// long is not a synchronization the model relies on.
const maxKey = 256

// isCount reports whether a symbol's key names a count the model relates
// to loops: a length, a capacity, or what the root is given.
func isCount(key string) bool {
	return strings.Contains(key, "len:") || strings.Contains(key, "cap:") || given(key)
}

func isTop(v value) bool { _, ok := v.(topV); return ok }

func fold(op token.Token, x, y constant.Value) (r value) {
	defer func() {
		if recover() != nil {
			r = top // a division by zero, an operation on mismatched kinds
		}
	}()
	switch op {
	case token.SHL, token.SHR:
		n, ok := constant.Uint64Val(constant.ToInt(y))
		if !ok || n > 64 {
			return top
		}
		return constV{constant.Shift(x, op, uint(n))}
	case token.QUO:
		if x.Kind() == constant.Int && y.Kind() == constant.Int {
			op = token.QUO_ASSIGN // integer division
		}
	}
	return constV{constant.BinaryOp(x, op, y)}
}

func compare(op token.Token, x, y value) value {
	if b, ok := sameRef(x, y); ok && (op == token.EQL || op == token.NEQ) {
		return constV{constant.MakeBool(b == (op == token.EQL))}
	}
	cx, okx := x.(constV)
	cy, oky := y.(constV)
	switch {
	case okx && oky:
		if cx.c.Kind() != cy.c.Kind() && !(isNum(cx.c) && isNum(cy.c)) {
			return top
		}
		return constV{constant.MakeBool(constant.Compare(cx.c, op, cy.c))}
	case isTop(x) || isTop(y):
		return top
	case oky:
		if k, ok := intOf(cy.c); ok {
			if sx, ok := x.(symV); ok {
				return cmpV{sx.key, op, k}
			}
		}
	case okx:
		if k, ok := intOf(cx.c); ok {
			if sy, ok := y.(symV); ok {
				return cmpV{sy.key, flipOp[op], k}
			}
		}
	}
	kx, ky := keyOf(x), keyOf(y)
	if _, isSym := x.(symV); isSym && kx == ky && (op == token.EQL || op == token.NEQ) {
		return constV{constant.MakeBool(op == token.EQL)} // a value is itself
	}
	switch op {
	case token.EQL, token.NEQ:
		if kx > ky {
			kx, ky = ky, kx
		}
		key := "eq(" + kx + "," + ky + ")"
		if op == token.NEQ {
			key = negate(key)
		}
		return symV{key}
	case token.LSS:
		return symV{"lt(" + kx + "," + ky + ")"}
	case token.GTR:
		return symV{"lt(" + ky + "," + kx + ")"}
	case token.LEQ:
		return symV{negate("lt(" + ky + "," + kx + ")")}
	default: // GEQ
		return symV{negate("lt(" + kx + "," + ky + ")")}
	}
}

func isNum(c constant.Value) bool { return c.Kind() == constant.Int || c.Kind() == constant.Float }

func intOf(c constant.Value) (int64, bool) {
	if c.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(c)
}

// sameRef decides the equality of two values when references or nils
// decide it: two references to objects, or a nil and a value never nil.
func sameRef(x, y value) (bool, bool) {
	rx, okx := x.(refV)
	ry, oky := y.(refV)
	_, nx := x.(nilV)
	_, ny := y.(nilV)
	switch {
	case okx && oky:
		return rx == ry, true
	case nx && ny:
		return true, true
	case nx && nonNil(y), ny && nonNil(x):
		return false, true
	}
	return false, false
}

// nonNil reports whether v is never nil: a reference to an object, a
// function value, or an interface value the model made (MakeInterface
// gives an interface a dynamic type, even to hold a nil pointer).
func nonNil(v value) bool {
	switch v.(type) {
	case refV, closV, libV, ifaceV:
		return true
	}
	return false
}

// bounds returns the range the path assumed of the integer symbol sym.
func bounds(s *state, sym string) (lo, hi int64) {
	if b, ok := s.bounds.get(sym); ok {
		return b[0], b[1]
	}
	if strings.HasPrefix(sym, "len:") || strings.HasPrefix(sym, "cap:") {
		return 0, math.MaxInt64
	}
	return math.MinInt64, math.MaxInt64
}

// decide returns the truth of a boolean value, if the path decided it.
func decide(s *state, c value) (bool, bool) {
	switch c := c.(type) {
	case constV:
		if c.c.Kind() == constant.Bool {
			return constant.BoolVal(c.c), true
		}
	case symV:
		base, neg := strings.CutPrefix(c.key, "!")
		if b, ok := s.facts.get(base); ok {
			return b != neg, true
		}
	case cmpV:
		lo, hi := bounds(s, c.sym)
		switch c.op {
		case token.LSS:
			return decideRange(hi < c.k, lo >= c.k)
		case token.LEQ:
			return decideRange(hi <= c.k, lo > c.k)
		case token.GTR:
			return decideRange(lo > c.k, hi <= c.k)
		case token.GEQ:
			return decideRange(lo >= c.k, hi < c.k)
		case token.EQL, token.NEQ:
			eq, known := decideRange(lo == c.k && hi == c.k, lo > c.k || hi < c.k || assumedTrue(s, neKey(c)))
			return eq == (c.op == token.EQL), known
		}
	}
	return false, false
}

// assumedTrue reports whether the path assumed the boolean symbol key true.
func assumedTrue(s *state, key string) bool {
	b, _ := s.facts.get(key)
	return b
}

func decideRange(yes, no bool) (bool, bool) {
	switch {
	case yes:
		return true, true
	case no:
		return false, true
	}
	return false, false
}

func neKey(c cmpV) string { return fmt.Sprintf("ne(%s,%d)", c.sym, c.k) }

// assume records on the path that c is b; false if the path is then
// infeasible.
func assume(s *state, c value, b bool) bool {
	switch c := c.(type) {
	case symV:
		base, neg := strings.CutPrefix(c.key, "!")
		s.facts.set(base, b != neg)
	case cmpV:
		if !b {
			c.op = negOp[c.op]
		}
		lo, hi := bounds(s, c.sym)
		switch c.op {
		case token.LSS:
			hi = min(hi, c.k-1)
		case token.LEQ:
			hi = min(hi, c.k)
		case token.GTR:
			lo = max(lo, c.k+1)
		case token.GEQ:
			lo = max(lo, c.k)
		case token.EQL:
			lo, hi = max(lo, c.k), min(hi, c.k)
		case token.NEQ:
			s.facts.set(neKey(c), true)
			if lo == c.k {
				lo++
			}
			if hi == c.k {
				hi--
			}
		}
		s.bounds.set(c.sym, [2]int64{lo, hi})
		return lo <= hi
	}
	return true
}

func boolConst(b bool) constant.Value { return constant.MakeBool(b) }
