package evidence

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"testing"
)

// BenchmarkEvaluate measures an evaluation per request, beside the
// ed25519.Verify that a document check cannot avoid (the baseline).
func BenchmarkEvaluate(b *testing.B) {
	f := newFixture(b)
	b.Run("baseline_ed25519_verify", func(b *testing.B) {
		priv := f.police1.Signer().(ed25519.PrivateKey)
		msg := []byte("netcred attestation signing input of about this size, give or take")
		sig := ed25519.Sign(priv, msg)
		pub := priv.Public().(ed25519.PublicKey)
		b.ReportAllocs()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("verify")
			}
		}
	})
	b.Run("claims_digest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ClaimsDigest([]byte(testClaims)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("face_match", func(b *testing.B) {
		items := []json.RawMessage{faceItem(b, 0.97, true)}
		b.ReportAllocs()
		for b.Loop() {
			if d, err := f.ev.Evaluate(context.Background(), items, f.digest, testNow); err != nil || d.Method != MethodFaceMatch {
				b.Fatal(d, err)
			}
		}
	})
	b.Run("document_check", func(b *testing.B) {
		// A distinct attestation per iteration, signed beforehand.
		items := make([][]json.RawMessage, b.N)
		for i := range items {
			items[i] = []json.RawMessage{docItem(b, "police-01", f.attest(b, f.police1, nil))}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if d, err := f.ev.Evaluate(context.Background(), items[i], f.digest, testNow); err != nil || d.Method != MethodDocumentCheck {
				b.Fatal(d.Refused, err)
			}
		}
	})
}
