package keys

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
)

func TestNewSet(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA).Public()
	ec := mustGenerate(t, credential.ES256).Public()
	set, err := NewSet(ed, ec)
	if err != nil {
		t.Fatal(err)
	}
	unknown := mustGenerate(t, credential.EdDSA).Public()
	tests := []struct {
		name string
		kid  []byte
		want *PublicKey
	}{
		{"EdDSA key", ed.KID(), ed},
		{"ES256 key", ec.KID(), ec},
		{"unknown kid", unknown.KID(), nil},
		{"nil kid", nil, nil},
		{"short kid", ed.KID()[:KIDSize-1], nil},
		{"long kid", append(ed.KID(), 0), nil},
		{"full thumbprint", decodeB64(t, ed.Thumbprint()), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := set.Lookup(tt.kid); got != tt.want {
				t.Errorf("Lookup(%x) = %v; want %v", tt.kid, got, tt.want)
			}
		})
	}

	_, err = NewSet(ed, ec, ed)
	wantErr(t, err, ErrDuplicateKID)
	_, err = NewSet(ed, nil)
	wantErr(t, err, ErrInvalidKey)
	_, err = NewSet(ed, &PublicKey{})
	wantErr(t, err, ErrInvalidKey)

	empty, err := NewSet()
	if err != nil {
		t.Fatalf("NewSet(): %v", err)
	}
	if got := empty.Lookup(ed.KID()); got != nil {
		t.Errorf("empty set Lookup = %v; want nil", got)
	}
	var nilSet *Set
	if got := nilSet.Lookup(ed.KID()); got != nil {
		t.Errorf("nil set Lookup = %v; want nil", got)
	}
}

func TestSetBuiltWithoutNewSet(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA).Public()
	set := &Set{Keys: []*PublicKey{nil, ed}}
	if got := set.Lookup(ed.KID()); got != ed {
		t.Errorf("Lookup = %v; want the key", got)
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	set, _ := benchmarkSet(t, 16)
	kid := set.Keys[7].KID()
	missing := make([]byte, KIDSize)
	allocs := testing.AllocsPerRun(100, func() {
		if set.Lookup(kid) == nil || set.Lookup(missing) != nil {
			t.Fatal("wrong lookup result")
		}
	})
	if allocs != 0 {
		t.Errorf("Lookup allocates %v times; want 0", allocs)
	}
}

func TestSetRoundTrip(t *testing.T) {
	var keys []*PublicKey
	for i := range 4 {
		keys = append(keys, mustGenerate(t, testAlgorithms[i%2]).Public())
	}
	set, err := NewSet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	data, err := set.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseSet(data)
	if err != nil {
		t.Fatalf("ParseSet(%s): %v", data, err)
	}
	if len(parsed.Keys) != len(keys) {
		t.Fatalf("parsed %d keys; want %d", len(parsed.Keys), len(keys))
	}
	for i, k := range keys {
		checkSameKey(t, parsed.Keys[i], k)
		if got := parsed.Lookup(k.KID()); got != parsed.Keys[i] {
			t.Errorf("Lookup(key %d) = %v; want key %d", i, got, i)
		}
	}
	if bytes.Contains(data, []byte(`"d"`)) {
		t.Errorf("marshalled set %s has private members", data)
	}

	emptyJSON, err := (&Set{}).MarshalJSON()
	if err != nil || string(emptyJSON) != `{"keys":[]}` {
		t.Errorf("empty set MarshalJSON = %s, %v; want {\"keys\":[]}", emptyJSON, err)
	}
}

func TestParseSetSingleJWK(t *testing.T) {
	k := mustGenerate(t, credential.ES256).Public()
	set, err := ParseSet(mustJSON(t, k))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 || set.Lookup(k.KID()) == nil {
		t.Errorf("ParseSet(single JWK) = %d keys; want the one key", len(set.Keys))
	}
}

func TestParseSetRejects(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA)
	ec := mustGenerate(t, credential.ES256)
	edJSON := string(mustJSON(t, ed.Public()))
	ecJSON := string(mustJSON(t, ec.Public()))
	jwks := func(members ...string) []byte {
		return []byte(`{"keys":[` + strings.Join(members, ",") + `]}`)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"duplicate kid", jwks(edJSON, ecJSON, edJSON), ErrDuplicateKID},
		{"same key without kid twice", jwks(edJSON, strings.Replace(edJSON, `"kid":"`+ed.Public().KIDString()+`",`, "", 1)), ErrDuplicateKID},
		{"private key in set", jwks(edJSON, string(mustJSON(t, ec))), ErrUnexpectedPrivateKey},
		{"private key alone", mustJSON(t, ed), ErrUnexpectedPrivateKey},
		{"RSA key in set", jwks(edJSON, `{"kty":"RSA","alg":"RS256","e":"AQAB","n":"AQAB"}`), ErrUnsupportedKeyType},
		{"key without alg", jwks(strings.Replace(edJSON, `"alg":"EdDSA",`, "", 1)), ErrMissingAlgorithm},
		{"kid swapped between keys", jwks(strings.Replace(edJSON, ed.Public().KIDString(), ec.Public().KIDString(), 1)), ErrKIDMismatch},
		{"empty set", []byte(`{"keys":[]}`), ErrEmptySet},
		{"keys null", []byte(`{"keys":null}`), ErrMalformed},
		{"keys not an array", []byte(`{"keys":` + edJSON + `}`), ErrMalformed},
		{"key not an object", jwks(`"key"`), ErrMalformed},
		{"keys and kty", []byte(`{"keys":[` + edJSON + `],"kty":"OKP"}`), ErrMalformed},
		{"duplicate keys member", []byte(`{"keys":[` + edJSON + `],"keys":[` + ecJSON + `]}`), ErrMalformed},
		{"truncated", jwks(edJSON)[:40], ErrMalformed},
		{"garbage", []byte("\xff\xfe"), ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"null", []byte("null"), ErrMalformed},
		{"array", []byte("[" + edJSON + "]"), ErrMalformed},
		{"deep nesting", []byte(`{"keys":[` + edJSON + `],"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`), ErrMalformed},
		{"too large", []byte(`{"keys":[` + edJSON + `],"pad":"` + strings.Repeat("a", MaxSetSize) + `"}`), ErrTooLarge},
		{"oversized key in set", jwks(strings.Replace(edJSON, `{`, `{"pad":"`+strings.Repeat("a", MaxJWKSize)+`",`, 1)), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := ParseSet(tt.data)
			if set != nil {
				t.Errorf("got a set of %d keys; want nil", len(set.Keys))
			}
			wantErr(t, err, tt.want)
		})
	}
}

// benchmarkSet returns a set of n keys and the kid of its last key.
func benchmarkSet(tb testing.TB, n int) (*Set, []byte) {
	tb.Helper()
	keys := make([]*PublicKey, n)
	for i := range keys {
		keys[i] = mustGenerate(tb, credential.EdDSA).Public()
	}
	set, err := NewSet(keys...)
	if err != nil {
		tb.Fatal(err)
	}
	return set, keys[n-1].KID()
}

func BenchmarkSetLookup(b *testing.B) {
	for _, n := range []int{1, 8, 128} {
		set, kid := benchmarkSet(b, n)
		missing := make([]byte, KIDSize)
		b.Run(fmt.Sprintf("keys=%d/hit", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if set.Lookup(kid) == nil {
					b.Fatal("key not found")
				}
			}
		})
		b.Run(fmt.Sprintf("keys=%d/miss", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if set.Lookup(missing) != nil {
					b.Fatal("unexpected key")
				}
			}
		})
	}
}
