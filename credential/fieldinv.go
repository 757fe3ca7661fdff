package credential

import (
	"encoding/binary"
	"math/bits"

	"filippo.io/edwards25519/field"
)

// This file inverts field elements of GF(2^255 - 19) in variable time, for
// verification, whose inputs are all public: Lehmer's extended Euclidean
// algorithm, ported from math/big's lehmerGCD to four fixed 64-bit words
// (so that it allocates nothing). A step that would need a multi-word
// quotient (rare) falls back to the constant-time inversion. TestInvertVarTime holds it to
// field.Element.Invert.

// u256 is a 256-bit number, little-endian words.
type u256 [4]uint64

// fieldPrime is p = 2^255 - 19.
var fieldPrime = u256{0xffffffffffffffed, 0xffffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff}

// words is the number of significant words of x.
func (x *u256) words() int {
	n := 4
	for n > 0 && x[n-1] == 0 {
		n--
	}
	return n
}

// mulWord returns x*w as five words.
func (x *u256) mulWord(w uint64) [5]uint64 {
	var out [5]uint64
	var carry uint64
	for i := range 4 {
		hi, lo := bits.Mul64(x[i], w)
		var c uint64
		out[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c
	}
	out[4] = carry
	return out
}

// linear returns a*x - b*y, which the caller knows is in [0, 2^256).
func linear(a uint64, x *u256, b uint64, y *u256) u256 {
	s, t := x.mulWord(a), y.mulWord(b)
	var out u256
	var borrow uint64
	for i := range 4 {
		out[i], borrow = bits.Sub64(s[i], t[i], borrow)
	}
	return out
}

// addMul returns a*x + b*y, which the caller knows is below 2^256.
func addMul(a uint64, x *u256, b uint64, y *u256) u256 {
	s, t := x.mulWord(a), y.mulWord(b)
	var out u256
	var carry uint64
	for i := range 4 {
		out[i], carry = bits.Add64(s[i], t[i], carry)
	}
	return out
}

// invertVarTime sets out to 1/z (0 when z is 0) and returns out.
func invertVarTime(out, z *field.Element) *field.Element {
	enc := z.Bytes() // canonical: below p
	var b u256
	for i := range 4 {
		b[i] = binary.LittleEndian.Uint64(enc[8*i:])
	}
	if b.words() == 0 {
		return out.Invert(z)
	}
	// A = ua*z and B = ub*z modulo p throughout, A >= B. The cofactors of
	// Euclid's algorithm alternate in sign and their magnitudes only add
	// (|t'| = |t| + q|t''|), so ua and ub hold magnitudes, below p, and
	// neg the sign of ua; ub's is always the other one.
	A, B := fieldPrime, b
	ua, ub := u256{}, u256{1}
	neg := true
	for B.words() > 1 {
		u0, u1, v0, v1, even := lehmerSimulate(&A, &B)
		if v0 == 0 { // the quotient needs more than a word
			return out.Invert(z)
		}
		if even {
			A, B = linear(u0, &A, v0, &B), linear(v1, &B, u1, &A)
		} else {
			A, B = linear(v0, &B, u0, &A), linear(u1, &A, v1, &B)
			neg = !neg
		}
		ua, ub = addMul(u0, &ua, v0, &ub), addMul(u1, &ua, v1, &ub)
	}
	if B.words() == 1 && A.words() > 1 {
		// One Euclidean step by a single word: A, B = B, A mod B, and
		// ua, ub = ub, ua - q*ub (in magnitudes: |ua| + q|ub|).
		bw := B[0]
		var q u256
		var rem uint64
		for i := 3; i >= 0; i-- {
			q[i], rem = bits.Div64(rem, A[i], bw)
		}
		var t u256
		if q.words() > 1 { // q*ub would need a full product: not worth it
			return out.Invert(z)
		}
		t = addMul(1, &ua, q[0], &ub)
		ua, ub = ub, t
		neg = !neg
		A, B = u256{bw}, u256{rem}
	}
	if B.words() == 1 {
		// Both fit a word: finish in single precision.
		aw, bw := A[0], B[0]
		var wua, wub, wva, wvb uint64 = 1, 0, 0, 1
		even := true
		for bw != 0 {
			q, r := aw/bw, aw%bw
			aw, bw = bw, r
			wua, wub = wub, wua+q*wub
			wva, wvb = wvb, wva+q*wvb
			even = !even
		}
		ua = addMul(wua, &ua, wva, &ub)
		if !even {
			neg = !neg
		}
	}
	// A is now the gcd, 1 for any z below p, and ua*z = 1 up to sign.
	if neg {
		ua = linear(1, &fieldPrime, 1, &ua)
	}
	var buf [32]byte
	for i := range 4 {
		binary.LittleEndian.PutUint64(buf[8*i:], ua[i])
	}
	if _, err := out.SetBytes(buf[:]); err != nil {
		return out.Invert(z)
	}
	return out
}

// lehmerSimulate is math/big's: the cosequences of Euclid's algorithm on
// the leading words of A and B, with Collins' stopping condition. For even
// results u0, v1 >= 0 and u1, v0 <= 0; for odd ones the other way round.
func lehmerSimulate(A, B *u256) (u0, u1, v0, v1 uint64, even bool) {
	n, m := A.words(), B.words() // n >= m >= 2
	h := uint(bits.LeadingZeros64(A[n-1]))
	a1 := A[n-1]<<h | A[n-2]>>(64-h)
	var a2 uint64
	switch {
	case n == m:
		a2 = B[n-1]<<h | B[n-2]>>(64-h)
	case n == m+1:
		a2 = B[n-2] >> (64 - h)
	}
	var u2, v2 uint64
	u0, u1, u2 = 0, 1, 0
	v0, v1, v2 = 0, 0, 1
	for a2 >= v2 && a1-a2 >= v1+v2 {
		q, r := a1/a2, a1%a2
		a1, a2 = a2, r
		u0, u1, u2 = u1, u2, u1+q*u2
		v0, v1, v2 = v1, v2, v1+q*v2
		even = !even
	}
	return
}
