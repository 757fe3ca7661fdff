package evidence

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// testNow is the evaluations' clock.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testClaims are the request's claims in the tests.
const testClaims = `{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`

// fixture is an Evaluator with two registered terminals.
type fixture struct {
	ev        *Evaluator
	replay    *MemoryReplay
	terminals *MemoryTerminals
	police1   *keys.PrivateKey // "police-01", Ed25519
	police2   *keys.PrivateKey // "police-02", ES256
	stranger  *keys.PrivateKey // registered nowhere
	digest    Digest
}

func seededKey(tb testing.TB, seed byte) *keys.PrivateKey {
	tb.Helper()
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	k, err := keys.NewPrivateKey(ed25519.NewKeyFromSeed(s))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	p2, err := keys.Generate(credential.ES256)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{
		replay:    &MemoryReplay{Now: func() time.Time { return testNow }},
		terminals: &MemoryTerminals{},
		police1:   seededKey(tb, 1),
		police2:   p2,
		stranger:  seededKey(tb, 3),
		digest:    mustDigest(tb, testClaims),
	}
	f.terminals.Add("police-01", f.police1.Public())
	f.terminals.Add("police-02", f.police2.Public())
	f.ev = &Evaluator{Terminals: f.terminals, Replay: f.replay}
	return f
}

func mustDigest(tb testing.TB, claims string) Digest {
	tb.Helper()
	d, err := ClaimsDigest([]byte(claims))
	if err != nil {
		tb.Fatalf("ClaimsDigest(%s): %v", claims, err)
	}
	return d
}

// attest returns an attestation by police-01 (iat testNow - 1m) of the
// fixture's claims, changed by edit.
func (f *fixture) attest(tb testing.TB, key *keys.PrivateKey, edit func(*Attestation)) string {
	tb.Helper()
	a := Attestation{Terminal: "police-01", IssuedAt: testNow.Add(-time.Minute), ClaimsDigest: f.digest}
	if edit != nil {
		edit(&a)
	}
	s, err := SignAttestation(key, a)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// docItem returns a document_check evidence object.
func docItem(tb testing.TB, terminal, attestation string) json.RawMessage {
	tb.Helper()
	b, err := json.Marshal(Item{Method: MethodDocumentCheck, Terminal: terminal, Attestation: attestation})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func faceItem(tb testing.TB, score float64, liveness bool) json.RawMessage {
	tb.Helper()
	b, err := json.Marshal(Item{Method: MethodFaceMatch, Score: score, Liveness: liveness})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func (f *fixture) evaluate(tb testing.TB, items ...json.RawMessage) Decision {
	tb.Helper()
	d, err := f.ev.Evaluate(context.Background(), items, f.digest, testNow)
	if err != nil {
		tb.Fatalf("Evaluate: %v", err)
	}
	return d
}

// rawJWS assembles a JWS from JSON header and payload and a signature.
func rawJWS(header, payload string, sig []byte) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig)
}

// signedJWS signs header and payload, given as JSON, with key.
func signedJWS(tb testing.TB, key *keys.PrivateKey, header, payload string) string {
	tb.Helper()
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	return input + "." + enc.EncodeToString(ed25519.Sign(key.Signer().(ed25519.PrivateKey), []byte(input)))
}

// hs256JWS is a JWS "signed" with HMAC, keyed with the terminal's public key.
func hs256JWS(key *keys.PublicKey, header, payload string) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, key.Key().(ed25519.PublicKey))
	m.Write([]byte(input))
	return input + "." + enc.EncodeToString(m.Sum(nil))
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func repeat(s string, n int) string { return strings.Repeat(s, n) }
