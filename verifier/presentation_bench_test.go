package verifier

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"math/big"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
)

// BenchmarkVerifyPresentation pairs the whole presentation pipeline with a
// trust store (QR text, presentation structure, the credential's every
// check with its Ed25519 issuer signature and status lookup, the P-256
// holder key decoded from cnf, the holder's signature, window, nonce and
// audience) with the raw cost of its two signature checks over the same
// bytes: crypto/ed25519.Verify of the credential and ecdsa.Verify of the
// presentation, keys already decoded. One of each per iteration, in
// alternating order; x_raw is raw-ns over verify-ns (the goal is at least
// 0.95).
func BenchmarkVerifyPresentation(b *testing.B) {
	h := newHolderFixture(b, credential.ES256)
	nonce := []byte("n-4711")
	text := present(b, h.cred, h.holder, fixedNow.Add(time.Hour), nonce, "gate-7")
	v, err := New(Config{Trust: h.trust(b), Policy: Policy{RequireHolderBinding: true,
		MinLevel: credential.LevelSubstantial, Types: []string{"identity"}}})
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Now: fixedNow.Add(time.Hour), Nonce: nonce, Audience: "gate-7"}
	verify := func() bool {
		r := v.Verify(text, opts)
		if !r.Valid {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
		return true
	}
	raw := rawPresentationChecks(b, h, text)
	allocs := testing.AllocsPerRun(100, func() { verify() })
	var tVerify, tRaw, ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		swap := len(ratios)&1 == 1
		first, second := verify, raw
		if swap {
			first, second = raw, verify
		}
		t0 := time.Now()
		ok1 := first()
		t1 := time.Now()
		ok2 := second()
		t2 := time.Now()
		if !ok1 || !ok2 {
			b.Fatal("signature invalid")
		}
		dv, dr := float64(t1.Sub(t0)), float64(t2.Sub(t1))
		if swap {
			dv, dr = dr, dv
		}
		tVerify, tRaw, ratios = append(tVerify, dv), append(tRaw, dr), append(ratios, dr/dv)
	}
	b.ReportMetric(median(tVerify), "verify-ns/op")
	b.ReportMetric(median(tRaw), "raw-ns/op")
	b.ReportMetric(median(ratios), "x_raw")
	b.ReportMetric(allocs, "verify-allocs/op")
	b.ReportMetric(float64(len(text)), "qr_chars")
}

// rawPresentationChecks returns the two bare signature checks of a
// presentation's text: the issuer's Ed25519 signature over the
// credential's Sig_structure and the holder's ES256 signature over the
// presentation's.
func rawPresentationChecks(tb testing.TB, h *holderFixture, text string) func() bool {
	tb.Helper()
	cose, err := presentation.DecodeQR(text)
	if err != nil {
		tb.Fatal(err)
	}
	pMsg, pSig := sign1Parts(tb, cose)
	cMsg, cSig := sign1Parts(tb, h.cred)
	issuer := h.key.Public().Key().(ed25519.PublicKey)
	holder := h.holder.Public().Key().(*ecdsa.PublicKey)
	return func() bool {
		if !ed25519.Verify(issuer, cMsg, cSig) {
			return false
		}
		d := sha256.Sum256(pMsg)
		r, s := new(big.Int).SetBytes(pSig[:32]), new(big.Int).SetBytes(pSig[32:])
		return ecdsa.Verify(holder, d[:], r, s)
	}
}

// sign1Parts returns the Sig_structure and the signature of a tagged
// COSE_Sign1.
func sign1Parts(tb testing.TB, cose []byte) ([]byte, []byte) {
	tb.Helper()
	var m struct {
		_           struct{} `cbor:",toarray"`
		Protected   []byte
		Unprotected cbor.RawMessage
		Payload     []byte
		Signature   []byte
	}
	if err := cbor.Unmarshal(cose[1:], &m); err != nil {
		tb.Fatal(err)
	}
	msg, err := cbor.Marshal([]any{"Signature1", m.Protected, []byte{}, m.Payload})
	if err != nil {
		tb.Fatal(err)
	}
	return msg, m.Signature
}

// BenchmarkVerifyPresentationNewHolder is BenchmarkVerifyPresentation
// where every presentation comes from another holder, so that the P-256
// holder key is decompressed each time (the decoded-key memo holds 1024).
func BenchmarkVerifyPresentationNewHolder(b *testing.B) {
	const holders = 1100
	base := newHolderFixture(b, credential.ES256)
	v, err := New(Config{Trust: base.trust(b), Policy: Policy{RequireHolderBinding: true}})
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Now: fixedNow.Add(time.Hour)}
	texts := make([]string, holders)
	raws := make([]func() bool, holders)
	for i := range texts {
		h := &holderFixture{fixture: base.fixture}
		if h.holder, err = keys.Generate(credential.ES256); err != nil {
			b.Fatal(err)
		}
		req := referenceRequest()
		req.HolderKey = h.holder.Public()
		if h.cred, err = credential.DecodeQR(h.issue(b, req)); err != nil {
			b.Fatal(err)
		}
		texts[i] = present(b, h.cred, h.holder, opts.Now, nil, "")
		raws[i] = rawPresentationChecks(b, h, texts[i])
	}
	var tVerify, tRaw, ratios []float64
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		i := n % holders
		n++
		t0 := time.Now()
		r := v.Verify(texts[i], opts)
		t1 := time.Now()
		ok := raws[i]()
		t2 := time.Now()
		if !r.Valid || !ok {
			b.Fatalf("not valid: %s %s", r.Code, r.Detail)
		}
		dv, dr := float64(t1.Sub(t0)), float64(t2.Sub(t1))
		tVerify, tRaw, ratios = append(tVerify, dv), append(tRaw, dr), append(ratios, dr/dv)
	}
	b.ReportMetric(median(tVerify), "verify-ns/op")
	b.ReportMetric(median(tRaw), "raw-ns/op")
	b.ReportMetric(median(ratios), "x_raw")
}
