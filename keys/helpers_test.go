package keys

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/netcred/netcred/credential"
)

// testAlgorithms are the algorithms every round-trip test covers.
var testAlgorithms = []credential.Algorithm{credential.EdDSA, credential.ES256}

func mustGenerate(tb testing.TB, alg credential.Algorithm) *PrivateKey {
	tb.Helper()
	k, err := Generate(alg)
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

// edited returns the JSON of a copy of m with edit applied.
func edited(tb testing.TB, m map[string]any, edit func(map[string]any)) []byte {
	tb.Helper()
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	edit(c)
	return mustMarshal(tb, c)
}

func wantErr(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v; want %v", err, want)
	}
}
