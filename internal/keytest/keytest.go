// Package keytest holds the helpers that the tests of keys, keys/keyfile
// and bundle share: fixed keys for seed corpora, JWK JSON to edit, and
// checks of keys. It does not import package keys, so that the keys
// package's own tests can use it; functions that need a key type take
// keys' constructors as arguments.
package keytest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/netcred/netcred/credential"
)

// Algorithms are the algorithms every round-trip test covers.
var Algorithms = []credential.Algorithm{credential.EdDSA, credential.ES256}

// Fixed private keys: RFC 8037 Appendix A.1 (Ed25519 seed) and RFC 7517
// Appendix A.2 (P-256 d), base64url.
const (
	RFC8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	RFC7517D = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"
)

// DecodeB64 decodes unpadded base64url.
func DecodeB64(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		tb.Fatalf("decoding %q: %v", s, err)
	}
	return b
}

// SeedKeys returns the fixed keys of both algorithms (Ed25519, then
// P-256) through newKey (keys.NewPrivateKey), so that seed corpora do not
// change between runs.
func SeedKeys[K any](tb testing.TB, newKey func(crypto.Signer) (K, error)) []K {
	tb.Helper()
	p256, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), DecodeB64(tb, RFC7517D))
	if err != nil {
		tb.Fatal(err)
	}
	var out []K
	for _, s := range []crypto.Signer{ed25519.NewKeyFromSeed(DecodeB64(tb, RFC8037D)), p256} {
		k, err := newKey(s)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// Generate returns gen(alg) (keys.Generate), failing the test on error.
func Generate[K any](tb testing.TB, gen func(credential.Algorithm) (K, error), alg credential.Algorithm) K {
	tb.Helper()
	k, err := gen(alg)
	if err != nil {
		tb.Fatalf("Generate(%q): %v", alg, err)
	}
	return k
}

// Marshal is json.Marshal, failing the test on error.
func Marshal(tb testing.TB, v any) []byte {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal: %v", err)
	}
	return data
}

// MustJSON is v.MarshalJSON, failing the test on error.
func MustJSON(tb testing.TB, v interface{ MarshalJSON() ([]byte, error) }) []byte {
	tb.Helper()
	data, err := v.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// Object decodes a JSON object (a JWK) into a map, so that a test can
// change its members.
func Object(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("json.Unmarshal(%s): %v", data, err)
	}
	return m
}

// SortedKeys returns the member names of m in order.
func SortedKeys(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Edited returns the JSON of a copy of m with edit applied.
func Edited(tb testing.TB, m map[string]any, edit func(map[string]any)) []byte {
	tb.Helper()
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	edit(c)
	return Marshal(tb, c)
}

// WantErr fails the test unless errors.Is(err, want).
func WantErr(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v; want %v", err, want)
	}
}

// Key is what CheckSameKey compares (a *keys.PublicKey).
type Key interface {
	Thumbprint() string
	KID() []byte
	Algorithm() credential.Algorithm
}

// CheckSameKey reports a difference in thumbprint, kid or algorithm.
func CheckSameKey(tb testing.TB, got, want Key) {
	tb.Helper()
	if got.Thumbprint() != want.Thumbprint() {
		tb.Errorf("thumbprint = %q; want %q", got.Thumbprint(), want.Thumbprint())
	}
	if !bytes.Equal(got.KID(), want.KID()) {
		tb.Errorf("kid = %x; want %x", got.KID(), want.KID())
	}
	if got.Algorithm() != want.Algorithm() {
		tb.Errorf("algorithm = %q; want %q", got.Algorithm(), want.Algorithm())
	}
}

// PublicKey is what CheckRoundTrip marshals and parses again.
type PublicKey interface {
	Key
	KIDString() string
	MarshalJSON() ([]byte, error)
}

// CheckRoundTrip asserts that an accepted key survives marshal and parse
// (keys.ParsePublicJWK) with the same thumbprint and kid.
func CheckRoundTrip[K PublicKey](tb testing.TB, k K, parse func([]byte) (K, error)) {
	tb.Helper()
	data, err := k.MarshalJSON()
	if err != nil {
		tb.Fatalf("MarshalJSON of an accepted key: %v", err)
	}
	again, err := parse(data)
	if err != nil {
		tb.Fatalf("ParsePublicJWK(%s) of a marshalled key: %v", data, err)
	}
	if again.Thumbprint() != k.Thumbprint() || again.KIDString() != k.KIDString() {
		tb.Fatalf("round trip changed the key: %s -> %s", k.Thumbprint(), again.Thumbprint())
	}
}

// CheckSignature signs with signer (an Ed25519 or P-256 private key) and
// verifies with pub.
func CheckSignature(tb testing.TB, signer crypto.Signer, pub crypto.PublicKey) {
	tb.Helper()
	message := []byte("netcred")
	switch s := signer.(type) {
	case ed25519.PrivateKey:
		if p, ok := pub.(ed25519.PublicKey); !ok || !ed25519.Verify(p, message, ed25519.Sign(s, message)) {
			tb.Fatal("ed25519 signature does not verify with the public key")
		}
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(message)
		sig, err := s.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			tb.Fatalf("ecdsa Sign: %v", err)
		}
		if p, ok := pub.(*ecdsa.PublicKey); !ok || !ecdsa.VerifyASN1(p, digest[:], sig) {
			tb.Fatal("ecdsa signature does not verify with the public key")
		}
	default:
		tb.Fatalf("Signer() is %T", signer)
	}
}
