package verifier

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/netcred/netcred/credential"
)

// The pipeline benchmarks run beside the raw signature check over the same
// signed bytes, so one run shows what share of the raw rate is kept
// (target: at least 95%).

func BenchmarkVerify(b *testing.B) {
	benchVerify(b, credential.EdDSA)
}

func BenchmarkVerifyBaselineEd25519(b *testing.B) {
	f := newFixture(b, credential.EdDSA)
	text := f.issue(b, referenceRequest())
	msg, sig := sigStructure(b, text)
	pub := f.key.Public().Key().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("signature invalid")
		}
	}
}

func BenchmarkVerifyES256(b *testing.B) {
	benchVerify(b, credential.ES256)
}

func BenchmarkVerifyBaselineES256(b *testing.B) {
	f := newFixture(b, credential.ES256)
	text := f.issue(b, referenceRequest())
	msg, sig := sigStructure(b, text)
	pub := f.key.Public().Key().(*ecdsa.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		h := sha256.Sum256(msg)
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(pub, h[:], r, s) {
			b.Fatal("signature invalid")
		}
	}
}

func benchVerify(b *testing.B, alg credential.Algorithm) {
	f := newFixture(b, alg)
	text := f.issue(b, referenceRequest())
	v := f.verifier(b, Policy{MinLevel: credential.LevelSubstantial, Types: []string{"identity"}})
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Verify(text); !r.Valid {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
	}
	b.ReportMetric(float64(len(text)), "qr_chars")
}
