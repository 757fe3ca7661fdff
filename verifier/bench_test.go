package verifier

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// BenchmarkVerify and BenchmarkVerifyES256 pair the whole pipeline with a
// trust store (QR text, signature, claims, key authorization, schema, the
// status list lookup and policy) with the bare standard-library signature
// check over the same signed bytes, alternating one of each per iteration
// so that both see the same machine load. ns/op is the pair's; verify-ns/op
// and stdlib-ns/op are each side's, and x_stdlib is stdlib-ns over
// verify-ns: at least 1.00 means the pipeline is faster than the bare
// crypto/ed25519.Verify (or ecdsa.Verify) call. verify-allocs/op counts the
// pipeline alone.

func BenchmarkVerify(b *testing.B) {
	benchPaired(b, credential.EdDSA, true)
}

// BenchmarkVerifyWithoutStatus is BenchmarkVerify for a credential without
// a status claim: the difference is the cost of the status lookup.
func BenchmarkVerifyWithoutStatus(b *testing.B) {
	benchPaired(b, credential.EdDSA, false)
}

func BenchmarkVerifyES256(b *testing.B) {
	benchPaired(b, credential.ES256, true)
}

// BenchmarkVerifyBaselineEd25519 is the bare crypto/ed25519.Verify call
// alone; BenchmarkVerify pairs it with the pipeline.
func BenchmarkVerifyBaselineEd25519(b *testing.B) {
	f := newFixture(b, credential.EdDSA)
	base := baseline(b, f, f.issue(b, referenceRequest()))
	b.ReportAllocs()
	for b.Loop() {
		if !base() {
			b.Fatal("signature invalid")
		}
	}
}

// BenchmarkVerifyBaselineES256 is the bare ecdsa.Verify call alone.
func BenchmarkVerifyBaselineES256(b *testing.B) {
	f := newFixture(b, credential.ES256)
	base := baseline(b, f, f.issue(b, referenceRequest()))
	b.ReportAllocs()
	for b.Loop() {
		if !base() {
			b.Fatal("signature invalid")
		}
	}
}

// median returns the middle value of xs (which it sorts).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// baseline returns the standard library's check of text's signature, as a
// caller holding the key in its usual form would write it.
func baseline(tb testing.TB, f *fixture, text string) func() bool {
	tb.Helper()
	msg, sig := sigStructure(tb, text)
	switch pub := f.key.Public().Key().(type) {
	case ed25519.PublicKey:
		return func() bool { return ed25519.Verify(pub, msg, sig) }
	case *ecdsa.PublicKey:
		return func() bool {
			h := sha256.Sum256(msg)
			r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
			return ecdsa.Verify(pub, h[:], r, s)
		}
	}
	tb.Fatalf("no baseline for %T", f.key.Public().Key())
	return nil
}

func benchPaired(b *testing.B, alg credential.Algorithm, withStatus bool) {
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
	base := baseline(b, f, text)
	verify := func() bool {
		r := v.Verify(text, verifyAt)
		if !r.Valid {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
		return true
	}
	allocs := testing.AllocsPerRun(100, func() { verify() })
	var tVerify, tBase, ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		swap := len(ratios)&1 == 1
		first, second := verify, base
		if swap {
			first, second = base, verify
		}
		t0 := time.Now()
		ok1 := first()
		t1 := time.Now()
		ok2 := second()
		t2 := time.Now()
		if !ok1 || !ok2 {
			b.Fatal("signature invalid")
		}
		dv, db := float64(t1.Sub(t0)), float64(t2.Sub(t1))
		if swap {
			dv, db = db, dv
		}
		tVerify, tBase, ratios = append(tVerify, dv), append(tBase, db), append(ratios, db/dv)
	}
	// Medians: on a shared machine a preempted call is an outlier, and
	// each pair's ratio was measured under the same load.
	b.ReportMetric(median(tVerify), "verify-ns/op")
	b.ReportMetric(median(tBase), "stdlib-ns/op")
	b.ReportMetric(median(ratios), "x_stdlib")
	b.ReportMetric(allocs, "verify-allocs/op")
	b.ReportMetric(float64(len(text)), "qr_chars")
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
