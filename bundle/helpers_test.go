package bundle

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// testAlgorithms are the algorithms every round-trip test covers.
var testAlgorithms = []credential.Algorithm{credential.EdDSA, credential.ES256}

// Fixed keys: RFC 8037 Appendix A.1 (Ed25519) and RFC 7517 Appendix A.2
// (P-256) private keys.
const (
	rfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
	rfc7517D = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"
)

// seedKeys returns fixed keys of both algorithms, so that seed corpora do
// not change between runs.
func seedKeys(tb testing.TB) []*keys.PrivateKey {
	tb.Helper()
	ed, err := keys.NewPrivateKey(ed25519.NewKeyFromSeed(decodeB64(tb, rfc8037D)))
	if err != nil {
		tb.Fatal(err)
	}
	p256, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), decodeB64(tb, rfc7517D))
	if err != nil {
		tb.Fatal(err)
	}
	ec, err := keys.NewPrivateKey(p256)
	if err != nil {
		tb.Fatal(err)
	}
	return []*keys.PrivateKey{ed, ec}
}

func decodeB64(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		tb.Fatalf("decoding %q: %v", s, err)
	}
	return b
}

func mustGenerate(tb testing.TB, alg credential.Algorithm) *keys.PrivateKey {
	tb.Helper()
	k, err := keys.Generate(alg)
	if err != nil {
		tb.Fatalf("Generate(%q): %v", alg, err)
	}
	return k
}

func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal: %v", err)
	}
	return data
}

// jwkMap decodes a JWK into a map so that a test can change its members.
func jwkMap(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("json.Unmarshal(%s): %v", data, err)
	}
	return m
}

// sortedKeys returns the member names of m in order.
func sortedKeys(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func checkSameKey(tb testing.TB, got, want *keys.PublicKey) {
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

func wantErr(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v; want %v", err, want)
	}
}

func mustJSON(tb testing.TB, v interface{ MarshalJSON() ([]byte, error) }) []byte {
	tb.Helper()
	data, err := v.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// checkPublicRoundTrip asserts that an accepted key survives marshal and
// parse with the same thumbprint.
func checkPublicRoundTrip(t *testing.T, k *keys.PublicKey) {
	t.Helper()
	data, err := k.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON of an accepted key: %v", err)
	}
	again, err := keys.ParsePublicJWK(data)
	if err != nil {
		t.Fatalf("ParsePublicJWK(%s) of a marshalled key: %v", data, err)
	}
	if again.Thumbprint() != k.Thumbprint() || again.KIDString() != k.KIDString() {
		t.Fatalf("round trip changed the key: %s -> %s", k.Thumbprint(), again.Thumbprint())
	}
}
