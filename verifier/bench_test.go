package verifier

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// The pipeline benchmarks run beside the raw signature check over the same
// signed bytes, so one run shows what share of the raw rate is kept
// (target: at least 95%). BenchmarkVerify is the whole pipeline with a
// trust store: QR text, signature, claims, key authorization, schema, the
// status list lookup and policy.

func BenchmarkVerify(b *testing.B) {
	benchVerify(b, credential.EdDSA, true)
}

// BenchmarkVerifyWithoutStatus is BenchmarkVerify for a credential without
// a status claim: the difference is the cost of the status lookup.
func BenchmarkVerifyWithoutStatus(b *testing.B) {
	benchVerify(b, credential.EdDSA, false)
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
	benchVerify(b, credential.ES256, true)
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

// BenchmarkVerifyKeySet is the quick-check path with a plain key set (no
// authorization, no status).
func BenchmarkVerifyKeySet(b *testing.B) {
	f := newFixture(b, credential.EdDSA)
	text := f.issue(b, referenceRequest())
	v := f.verifier(b, Policy{MinLevel: credential.LevelSubstantial, Types: []string{"identity"}})
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Verify(text, verifyAt); !r.Valid {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
	}
}

func benchVerify(b *testing.B, alg credential.Algorithm, withStatus bool) {
	f := newFixture(b, alg)
	req := referenceRequest()
	if !withStatus {
		req.Status = nil
	}
	text := f.issue(b, req)
	v, err := New(Config{Trust: f.trust(b), Policy: Policy{
		MinLevel: credential.LevelSubstantial, Types: []string{"identity"}}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := v.Verify(text, verifyAt); !r.Valid {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
	}
	b.ReportMetric(float64(len(text)), "qr_chars")
}

// trust returns trust material for the fixture's key: a bundle (root
// generated here) and a 2^20-entry status list with 1% revoked, not the
// reference credential's entry.
func (f *fixture) trust(tb testing.TB) *Trust {
	tb.Helper()
	root, err := keys.Generate(credential.EdDSA)
	if err != nil {
		tb.Fatal(err)
	}
	ref := referenceRequest().Status
	trustBundle := &bundle.Bundle{Serial: 1, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{{ID: "id.gov.cn", Name: "test", StatusLists: []string{ref.URI},
			Keys: []bundle.Key{{Key: f.key.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour)}}}}}}
	jws, err := trustBundle.Sign(root)
	if err != nil {
		tb.Fatal(err)
	}
	list, err := status.New(status.DefaultSize)
	if err != nil {
		tb.Fatal(err)
	}
	for i := uint64(0); i < status.DefaultSize/100; i++ {
		if idx := i * 100; idx != ref.Index {
			list.Set(idx, status.Revoked)
		}
	}
	tok, err := sign.StatusToken(list, ref.URI, fixedNow, 48*time.Hour, time.Hour, f.key.Algorithm(), f.key.KID(), f.key.Signer())
	if err != nil {
		tb.Fatal(err)
	}
	t, err := LoadTrust([]string{root.Public().Thumbprint()}, jws, tok)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}
