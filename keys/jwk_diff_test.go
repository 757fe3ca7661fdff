package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/spec"
)

// keyMembers are the members that make a key, and the only ones go-jose is
// shown: keys judges the others (alg, kid, use, key_ops, private and
// certificate members) by the profile, and ignores the rest as
// spec/bundle.md §2.3 says, where go-jose decodes some of them.
var keyMembers = []string{"kty", "crv", "x", "y"}

// goJoseKey decodes the key members of m with go-jose and returns the
// public key and its RFC 7638 thumbprint, or ok false.
func goJoseKey(m map[string]json.RawMessage) (key crypto.PublicKey, thumbprint string, ok bool) {
	only := map[string]json.RawMessage{}
	for _, name := range keyMembers {
		if v, present := m[name]; present {
			only[name] = v
		}
	}
	if string(m["kty"]) == `"OKP"` {
		delete(only, "y") // not a member of an OKP key (RFC 8037 §2)
	}
	data, err := json.Marshal(only)
	if err != nil {
		return nil, "", false
	}
	var jwk jose.JSONWebKey
	if jwk.UnmarshalJSON(data) != nil || !jwk.IsPublic() {
		return nil, "", false
	}
	switch jwk.Key.(type) {
	case ed25519.PublicKey:
	case *ecdsa.PublicKey:
		if jwk.Key.(*ecdsa.PublicKey).Curve.Params().Name != "P-256" {
			return nil, "", false
		}
	default:
		return nil, "", false
	}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, "", false
	}
	return jwk.Key, base64.RawURLEncoding.EncodeToString(sum), true
}

// sameKey reports whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	switch a := a.(type) {
	case ed25519.PublicKey:
		b, ok := b.(ed25519.PublicKey)
		return ok && bytes.Equal(a, b)
	case *ecdsa.PublicKey:
		b, ok := b.(*ecdsa.PublicKey)
		return ok && a.Equal(b)
	}
	return false
}

// checkAgainstGoJose is the differential property of ParsePublicJWK:
//   - what it accepts, go-jose decodes to the same key with the same
//     thumbprint;
//   - the key members go-jose decodes to an Ed25519 or P-256 public key,
//     it accepts too once given the matching alg, with that thumbprint;
//   - what encoding/json cannot read, it refuses.
func checkAgainstGoJose(t *testing.T, data []byte) {
	t.Helper()
	mine, err := ParsePublicJWK(data)
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil || m == nil {
		if err == nil {
			t.Fatalf("accepted %q, which encoding/json cannot read as an object", data)
		}
		return
	}
	ref, refThumbprint, refOK := goJoseKey(m)
	if err == nil {
		switch {
		case !refOK:
			t.Fatalf("accepted %q; go-jose refuses its key members", data)
		case mine.Thumbprint() != refThumbprint:
			t.Fatalf("thumbprint %s; go-jose %s", mine.Thumbprint(), refThumbprint)
		case !sameKey(mine.Key(), ref):
			t.Fatalf("key %v; go-jose %v", mine.Key(), ref)
		}
	}
	if !refOK || !canonicalKeyMembers(m) {
		return // keys is stricter on purpose: canonical base64url only
	}
	alg := credential.ES256
	if _, ok := ref.(ed25519.PublicKey); ok {
		alg = credential.EdDSA
	}
	only := map[string]json.RawMessage{"alg": json.RawMessage(`"` + alg + `"`)}
	for _, name := range keyMembers {
		if v, present := m[name]; present {
			only[name] = v
		}
	}
	profiled, _ := json.Marshal(only)
	k, err := ParsePublicJWK(profiled)
	if err != nil {
		t.Fatalf("refused %s, whose key go-jose decodes: %v", profiled, err)
	}
	if k.Thumbprint() != refThumbprint || !sameKey(k.Key(), ref) {
		t.Fatalf("%s: thumbprint %s; go-jose %s", profiled, k.Thumbprint(), refThumbprint)
	}
}

// vectorJWKs returns the public JWKs of the conformance vectors' key sets.
func vectorJWKs(tb testing.TB) [][]byte {
	tb.Helper()
	vectors, err := spec.LoadVectors()
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, v := range vectors {
		var set struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if len(v.Keys) > 0 && json.Unmarshal(v.Keys, &set) == nil {
			for _, k := range set.Keys {
				out = append(out, k)
			}
		}
	}
	return out
}

func FuzzParsePublicJWKAgainstGoJose(f *testing.F) {
	for _, k := range seedKeys(f) {
		f.Add(mustJSON(f, k.Public()))
	}
	for _, bad := range badJWKs(f) {
		if len(bad.data) <= 4096 {
			f.Add(bad.data)
		}
	}
	for _, k := range vectorJWKs(f) {
		f.Add(k)
	}
	f.Fuzz(checkAgainstGoJose)
}

func TestParsePublicJWKAgreesWithGoJose(t *testing.T) {
	var inputs [][]byte
	for _, alg := range testAlgorithms {
		for range 20 {
			inputs = append(inputs, mustJSON(t, mustGenerate(t, alg).Public()))
		}
	}
	for _, bad := range badJWKs(t) {
		inputs = append(inputs, bad.data)
	}
	inputs = append(inputs, vectorJWKs(t)...)
	if len(vectorJWKs(t)) == 0 {
		t.Fatal("no JWKs in the vectors")
	}
	// Every low-order Ed25519 encoding go-jose refuses.
	for _, p := range lowOrderPoints {
		inputs = append(inputs, []byte(`{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"`+base64.RawURLEncoding.EncodeToString(p[:])+`"}`))
	}
	for _, data := range inputs {
		checkAgainstGoJose(t, data)
	}
}

func TestLowOrderPointsMatchGoJose(t *testing.T) {
	if len(lowOrderPoints) != 14 {
		t.Fatalf("%d low-order encodings; want 14", len(lowOrderPoints))
	}
	for _, p := range lowOrderPoints {
		jwk := jose.JSONWebKey{Key: ed25519.PublicKey(p[:])}
		if _, err := jwk.Thumbprint(crypto.SHA256); err == nil {
			t.Errorf("go-jose accepts %x, which keys refuses as low-order", p)
		}
		if _, err := NewPublicKey(ed25519.PublicKey(p[:])); err == nil {
			t.Errorf("NewPublicKey accepts low-order %x", p)
		}
	}
}

// BenchmarkParsePublicJWK pairs ParsePublicJWK (strict JSON, profile
// checks, RFC 7638 thumbprint) with go-jose's JSONWebKey.UnmarshalJSON and
// Thumbprint (the baseline, which checks less).
func BenchmarkParsePublicJWK(b *testing.B) {
	for _, k := range seedKeys(b) {
		data := mustJSON(b, k.Public())
		b.Run(string(k.Algorithm())+"/keys", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParsePublicJWK(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(k.Algorithm())+"/go-jose", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var jwk jose.JSONWebKey
				if err := jwk.UnmarshalJSON(data); err != nil {
					b.Fatal(err)
				}
				if _, err := jwk.Thumbprint(crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMarshalJSONMatchesGoJose checks that the hand-written JWK encoder
// writes, byte for byte, what go-jose writes for the same key with kid,
// alg and use "sig", public and private, so that files and bundles keep
// their bytes.
func TestMarshalJSONMatchesGoJose(t *testing.T) {
	for _, alg := range testAlgorithms {
		for range 20 {
			k := mustGenerate(t, alg)
			pub := k.Public()
			want, err := jose.JSONWebKey{Key: pub.Key(), KeyID: pub.KIDString(), Algorithm: string(alg), Use: "sig"}.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if got := mustJSON(t, pub); !bytes.Equal(got, want) {
				t.Fatalf("public JWK\n got %s\nwant %s", got, want)
			}
			want, err = jose.JSONWebKey{Key: k.Signer(), KeyID: pub.KIDString(), Algorithm: string(alg), Use: "sig"}.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if got := mustJSON(t, k); !bytes.Equal(got, want) {
				t.Fatalf("private JWK\n got %s\nwant %s", got, want)
			}
		}
	}
}

// canonicalKeyMembers reports whether x and y, where present as strings,
// are canonical unpadded base64url without CR or LF.
func canonicalKeyMembers(m map[string]json.RawMessage) bool {
	for _, name := range []string{"x", "y"} {
		var v string
		if json.Unmarshal(m[name], &v) != nil {
			continue
		}
		if _, err := base64.RawURLEncoding.Strict().DecodeString(v); err != nil || strings.ContainsAny(v, "\r\n") {
			return false
		}
	}
	return true
}

// checkPrivateAgainstGoJose is the differential property of
// ParsePrivateJWK: what it accepts, go-jose decodes (from the key members
// and d) to the same private key; a private Ed25519 or P-256 key that
// go-jose decodes from canonical members, it accepts once given the
// matching alg.
func checkPrivateAgainstGoJose(t *testing.T, data []byte) {
	t.Helper()
	mine, err := ParsePrivateJWK(data)
	var m map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimSpace(data), &m) != nil || m == nil {
		if err == nil {
			t.Fatalf("accepted %q, which encoding/json cannot read as an object", data)
		}
		return
	}
	only := map[string]json.RawMessage{}
	for _, name := range append(keyMembers, "d") {
		if v, present := m[name]; present {
			only[name] = v
		}
	}
	if string(m["kty"]) == `"OKP"` {
		delete(only, "y")
	}
	filtered, _ := json.Marshal(only)
	var ref jose.JSONWebKey
	refOK := ref.UnmarshalJSON(filtered) == nil && !ref.IsPublic()
	var refSigner crypto.Signer
	if refOK {
		switch k := ref.Key.(type) {
		case ed25519.PrivateKey:
			refSigner = k
		case *ecdsa.PrivateKey:
			refOK = k.Curve.Params().Name == "P-256"
			refSigner = k
		default:
			refOK = false
		}
	}
	if err == nil {
		if !refOK {
			t.Fatalf("accepted %q; go-jose refuses its key members", data)
		}
		if !sameKey(mine.Signer().Public(), refSigner.Public()) {
			t.Fatalf("key %v; go-jose %v", mine.Signer().Public(), refSigner.Public())
		}
	}
	if !refOK || !canonicalKeyMembers(m) {
		return
	}
	var d string
	if json.Unmarshal(m["d"], &d) != nil {
		return
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(d); err != nil || strings.ContainsAny(d, "\r\n") {
		return // keys is stricter on purpose
	}
	alg := credential.ES256
	if _, ok := refSigner.(ed25519.PrivateKey); ok {
		alg = credential.EdDSA
	}
	only["alg"] = json.RawMessage(`"` + alg + `"`)
	profiled, _ := json.Marshal(only)
	k, err := ParsePrivateJWK(profiled)
	if err != nil && !consistentPrivate(refSigner) {
		return // go-jose does not check that d belongs to x (and y); keys does
	}
	if err != nil {
		t.Fatalf("refused %s, which go-jose decodes: %v", profiled, err)
	}
	if !sameKey(k.Signer().Public(), refSigner.Public()) {
		t.Fatalf("%s: key differs from go-jose's", profiled)
	}
}

func FuzzParsePrivateJWKAgainstGoJose(f *testing.F) {
	for _, k := range seedKeys(f) {
		f.Add(mustJSON(f, k))
		f.Add(mustJSON(f, k.Public()))
	}
	for _, bad := range badJWKs(f) {
		if len(bad.data) <= 4096 {
			f.Add(bad.data)
		}
	}
	f.Fuzz(checkPrivateAgainstGoJose)
}

func TestParsePrivateJWKAgreesWithGoJose(t *testing.T) {
	for _, alg := range testAlgorithms {
		for range 20 {
			checkPrivateAgainstGoJose(t, mustJSON(t, mustGenerate(t, alg)))
		}
	}
	for _, bad := range badJWKs(t) {
		checkPrivateAgainstGoJose(t, bad.data)
	}
}

// consistentPrivate reports whether the public half go-jose decoded is the
// one the private scalar or seed derives: go-jose takes x (and y) as given.
func consistentPrivate(k crypto.Signer) bool {
	switch k := k.(type) {
	case ed25519.PrivateKey:
		return bytes.Equal(ed25519.NewKeyFromSeed(k.Seed()).Public().(ed25519.PublicKey), k.Public().(ed25519.PublicKey))
	case *ecdsa.PrivateKey:
		if k.D == nil || k.D.BitLen() > 256 || k.X == nil || k.Y == nil || k.X.BitLen() > 256 || k.Y.BitLen() > 256 {
			return false
		}
		priv, err := ecdh.P256().NewPrivateKey(k.D.FillBytes(make([]byte, 32)))
		if err != nil {
			return false
		}
		want := append([]byte{4}, k.X.FillBytes(make([]byte, 32))...)
		want = append(want, k.Y.FillBytes(make([]byte, 32))...)
		return bytes.Equal(priv.PublicKey().Bytes(), want)
	}
	return false
}
