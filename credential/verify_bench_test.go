package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"filippo.io/edwards25519/field"
)

// BenchmarkEd25519VerifyKey pairs VerifySignatureWith (key decoded once)
// with crypto/ed25519.Verify on the same credential, alternating per
// iteration; x_stdlib is the median of stdlib time over ours.
func BenchmarkEd25519VerifyKey(b *testing.B) {
	data := signTB(b, referenceClaims(), EdDSA, testKey)
	s, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	k, err := NewVerifyKey(EdDSA, testKey.Public())
	if err != nil {
		b.Fatal(err)
	}
	msg := appendSigStructure(nil, s.protected, s.payload)
	pub := testKey.Public().(ed25519.PublicKey)
	var ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		err := s.VerifySignatureWith(k)
		t1 := time.Now()
		ok := ed25519.Verify(pub, msg, s.signature)
		t2 := time.Now()
		if err != nil || !ok {
			b.Fatal("signature invalid")
		}
		ratios = append(ratios, float64(t2.Sub(t1))/float64(t1.Sub(t0)))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x_stdlib")
}

// BenchmarkInvertVarTime pairs the variable-time inversion with the
// constant-time field.Element.Invert (x_invert: its time over ours).
func BenchmarkInvertVarTime(b *testing.B) {
	var z, out field.Element
	seed := sha256.Sum256([]byte("bench"))
	seed[31] &= 0x7f
	z.SetBytes(seed[:])
	var ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		invertVarTime(&out, &z)
		t1 := time.Now()
		out.Invert(&z)
		t2 := time.Now()
		ratios = append(ratios, float64(t2.Sub(t1))/float64(t1.Sub(t0)))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x_invert")
}
