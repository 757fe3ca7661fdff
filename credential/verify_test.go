package credential

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"testing"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// ourEd25519 verifies with a VerifyKey as the verifier does.
func ourEd25519(tb testing.TB, pub, msg, sig []byte) bool {
	tb.Helper()
	k, err := NewVerifyKey(EdDSA, ed25519.PublicKey(pub))
	if err != nil {
		tb.Fatal(err)
	}
	hram := append(append(append([]byte{}, sig[:32]...), pub...), msg...)
	return k.verifyEd25519(hram, sig)
}

// ed25519Order is l, the order of the prime subgroup, little-endian.
var ed25519Order, _ = hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

// addLE adds two 32-byte little-endian numbers (mod 2^256).
func addLE(a, b []byte) []byte {
	out := make([]byte, 32)
	var c uint16
	for i := range 32 {
		c += uint16(a[i]) + uint16(b[i])
		out[i] = byte(c)
		c >>= 8
	}
	return out
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// ed25519Cases are the agreement cases: valid, invalid, small-order and
// non-canonical inputs, each judged by crypto/ed25519 and by VerifyKey.
func ed25519Cases(tb testing.TB) []struct {
	name          string
	pub, msg, sig []byte
} {
	tb.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pub := []byte(priv.Public().(ed25519.PublicKey))
	msg := []byte("netcred Sig_structure")
	sig := ed25519.Sign(priv, msg)
	flip := func(b []byte, i int, bit byte) []byte { b = bytes.Clone(b); b[i] ^= bit; return b }
	identity := append([]byte{1}, make([]byte, 31)...)
	// The identity point's y = 1 written as p + 1: a non-canonical encoding.
	identityNonCanonical := mustHex(tb, "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	// A point of order 8 and one of order 2 (y = -1).
	order8 := mustHex(tb, "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	order2 := mustHex(tb, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	// A mixed-order key: the real key plus a point of order 8.
	var A, T edwards25519.Point
	A.SetBytes(pub)
	T.SetBytes(order8)
	mixed := new(edwards25519.Point).Add(&A, &T).Bytes()
	// y = 2 is not on the curve.
	notOnCurve := append([]byte{2}, make([]byte, 31)...)
	zeroS := make([]byte, 32)
	return []struct {
		name          string
		pub, msg, sig []byte
	}{
		{"valid", pub, msg, sig},
		{"valid, empty message", pub, nil, ed25519.Sign(priv, nil)},
		{"message changed", pub, flip(msg, 0, 1), sig},
		{"R changed", pub, msg, flip(sig, 3, 1)},
		{"S changed", pub, msg, flip(sig, 40, 1)},
		{"S + l (non-canonical S)", pub, msg, append(bytes.Clone(sig[:32]), addLE(sig[32:], ed25519Order)...)},
		{"S top bits set", pub, msg, flip(sig, 63, 0xe0)},
		{"S = l", pub, msg, append(bytes.Clone(sig[:32]), ed25519Order...)},
		{"other key", mixed, msg, sig},
		{"identity key, R identity, S 0", identity, msg, append(bytes.Clone(identity), zeroS...)},
		{"identity key, R non-canonical identity, S 0", identity, msg, append(bytes.Clone(identityNonCanonical), zeroS...)},
		{"non-canonical identity key, R identity, S 0", identityNonCanonical, msg, append(bytes.Clone(identity), zeroS...)},
		{"order-8 key, R identity, S 0", order8, msg, append(bytes.Clone(identity), zeroS...)},
		{"order-2 key, R order 2, S 0", order2, msg, append(bytes.Clone(order2), zeroS...)},
		{"order-8 key, R order 8, S 0", order8, msg, append(bytes.Clone(order8), zeroS...)},
		{"key not on the curve", notOnCurve, msg, sig},
		{"R not on the curve", pub, msg, append(bytes.Clone(notOnCurve), sig[32:]...)},
		{"all zero", make([]byte, 32), msg, make([]byte, 64)},
	}
}

// TestEd25519AgreesWithStdlib: VerifyKey reaches crypto/ed25519's verdict
// on every case.
func TestEd25519AgreesWithStdlib(t *testing.T) {
	accepted := 0
	for _, tc := range ed25519Cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			want := ed25519.Verify(tc.pub, tc.msg, tc.sig)
			if got := ourEd25519(t, tc.pub, tc.msg, tc.sig); got != want {
				t.Fatalf("VerifyKey: got %v; crypto/ed25519 says %v", got, want)
			}
			if want {
				accepted++
			}
		})
	}
	if accepted < 3 { // the two valid ones and at least one small-order case
		t.Errorf("only %d cases verify: the table no longer reaches the small-order paths", accepted)
	}
}

// FuzzEd25519AgreesWithStdlib: on any key, message and signature,
// VerifyKey and crypto/ed25519 agree.
func FuzzEd25519AgreesWithStdlib(f *testing.F) {
	for _, tc := range ed25519Cases(f) {
		f.Add(tc.pub, tc.msg, tc.sig)
	}
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
			return
		}
		want := ed25519.Verify(pub, msg, sig)
		if got := ourEd25519(t, pub, msg, sig); got != want {
			t.Fatalf("pub %x sig %x: VerifyKey %v, crypto/ed25519 %v", pub, sig, got, want)
		}
	})
}

// TestES256AgreesWithStdlib: the DER path agrees with ecdsa.Verify on
// valid, tampered, zero and out-of-range r and s.
func TestES256AgreesWithStdlib(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("netcred Sig_structure")
	h := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, key, h[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	n := elliptic.P256().Params().N.FillBytes(make([]byte, 32))
	ff := bytes.Repeat([]byte{0xff}, 32)
	zero := make([]byte, 32)
	one := append(make([]byte, 31), 1)
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	vk, err := NewVerifyKey(ES256, &key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		msg  []byte
		sig  []byte
	}{
		{"valid", msg, sig},
		{"message changed", flip(msg, 0), sig},
		{"r changed", msg, flip(sig, 5)},
		{"s changed", msg, flip(sig, 40)},
		{"r zero", msg, append(bytes.Clone(zero), sig[32:]...)},
		{"s zero", msg, append(bytes.Clone(sig[:32]), zero...)},
		{"r = n", msg, append(bytes.Clone(n), sig[32:]...)},
		{"s = n", msg, append(bytes.Clone(sig[:32]), n...)},
		{"r all ones", msg, append(bytes.Clone(ff), sig[32:]...)},
		{"r = 1, s = 1", msg, append(bytes.Clone(one), one...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hh := sha256.Sum256(tc.msg)
			want := ecdsa.Verify(&key.PublicKey, hh[:], new(big.Int).SetBytes(tc.sig[:32]), new(big.Int).SetBytes(tc.sig[32:]))
			if got := vk.verifyES256(tc.msg, tc.sig); got != want {
				t.Fatalf("VerifyKey: got %v; ecdsa.Verify says %v", got, want)
			}
		})
	}
}

func TestNewVerifyKeyRefuses(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ed := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public()
	for _, tc := range []struct {
		name string
		alg  Algorithm
		pub  any
		want error
	}{
		{"EdDSA with a P-256 key", EdDSA, &ec.PublicKey, ErrAlgorithmMismatch},
		{"EdDSA with a short key", EdDSA, ed25519.PublicKey{1, 2, 3}, ErrAlgorithmMismatch},
		{"ES256 with an Ed25519 key", ES256, ed, ErrAlgorithmMismatch},
		{"ES256 with a P-384 key", ES256, &p384.PublicKey, ErrAlgorithmMismatch},
		{"unknown algorithm", "RS256", ed, ErrAlgorithmNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := NewVerifyKey(tc.alg, tc.pub)
			if err == nil || k != nil {
				t.Fatalf("NewVerifyKey: got %v, %v; want error %v", k, err, tc.want)
			}
		})
	}
}

// TestEncodesToAgreesWithBytes: encodesTo(P, r) is exactly
// bytes.Equal(P.Bytes(), r), on random points, small-order points, the
// identity and encodings one bit off (the sign bit of x = 0 included).
func TestEncodesToAgreesWithBytes(t *testing.T) {
	var points []*edwards25519.Point
	for i := range 64 {
		var seed [64]byte
		seed[0], seed[1] = byte(i), 0x5a
		s, err := edwards25519.NewScalar().SetUniformBytes(seed[:])
		if err != nil {
			t.Fatal(err)
		}
		points = append(points, new(edwards25519.Point).ScalarBaseMult(s))
	}
	for _, h := range []string{
		"0100000000000000000000000000000000000000000000000000000000000000", // identity
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
		"0000000000000000000000000000000000000000000000000000000000000080", // order 4
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	} {
		p, err := new(edwards25519.Point).SetBytes(mustHex(t, h))
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		points = append(points, p)
	}
	for i, p := range points {
		// A point with Z != 1, as the scalar multiplication leaves it.
		q := new(edwards25519.Point).Add(p, edwards25519.NewIdentityPoint())
		q.Add(q, edwards25519.NewGeneratorPoint())
		q.Subtract(q, edwards25519.NewGeneratorPoint())
		enc := q.Bytes()
		for _, r := range [][]byte{enc, flipBit(enc, 0), flipBit(enc, 255), flipBit(enc, 100)} {
			if got, want := encodesTo(q, r), bytes.Equal(q.Bytes(), r); got != want {
				t.Fatalf("point %d, r %x: encodesTo %v, Bytes says %v", i, r, got, want)
			}
		}
	}
}

func flipBit(b []byte, i int) []byte {
	b = bytes.Clone(b)
	b[i/8] ^= 1 << (i % 8)
	return b
}

// TestInvertVarTime: the variable-time inversion agrees with the
// constant-time one on 0, 1, p-1, small values, powers of two and
// pseudo-random elements.
func TestInvertVarTime(t *testing.T) {
	var inputs [][]byte
	le := func(hexBE string) []byte {
		b := mustHex(t, hexBE)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return b
	}
	for _, h := range []string{
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0000000000000000000000000000000000000000000000000000000000000001",
		"0000000000000000000000000000000000000000000000000000000000000002",
		"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec", // p - 1
		"0000000000000000000000000000000000000000000000010000000000000000", // 2^64
		"000000000000000000000000000000000000000000000000ffffffffffffffff",
		"4000000000000000000000000000000000000000000000000000000000000000", // 2^254
		"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00",
		"0000000000000000000000000000000100000000000000000000000000000001",
	} {
		inputs = append(inputs, le(h))
	}
	seed := sha256.Sum256([]byte("invert"))
	for range 2000 {
		seed = sha256.Sum256(seed[:])
		b := bytes.Clone(seed[:])
		b[31] &= 0x7f
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		var z, got, want field.Element
		if _, err := z.SetBytes(in); err != nil {
			t.Fatal(err)
		}
		invertVarTime(&got, &z)
		want.Invert(&z)
		if got.Equal(&want) != 1 {
			t.Fatalf("1/%x: got %x, want %x", z.Bytes(), got.Bytes(), want.Bytes())
		}
	}
}

// FuzzInvertVarTime holds the variable-time inversion to the constant-time
// one on any input.
func FuzzInvertVarTime(f *testing.F) {
	f.Add(make([]byte, 32))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) != 32 {
			return
		}
		var z, got, want field.Element
		if _, err := z.SetBytes(in); err != nil {
			return
		}
		invertVarTime(&got, &z)
		want.Invert(&z)
		if got.Equal(&want) != 1 {
			t.Fatalf("1/%x: got %x, want %x", z.Bytes(), got.Bytes(), want.Bytes())
		}
	})
}
