package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
)

func TestJWKRoundTrip(t *testing.T) {
	for _, alg := range testAlgorithms {
		t.Run(string(alg), func(t *testing.T) {
			k := mustGenerate(t, alg)

			publicJSON, err := k.Public().MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicJWK(publicJSON)
			if err != nil {
				t.Fatalf("ParsePublicJWK(%s): %v", publicJSON, err)
			}
			checkSameKey(t, pub, k.Public())

			privateJSON, err := k.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			priv, err := ParsePrivateJWK(privateJSON)
			if err != nil {
				t.Fatalf("ParsePrivateJWK: %v", err)
			}
			checkSameKey(t, priv.Public(), k.Public())
			checkSignature(t, priv, k.Public())
		})
	}
}

func TestJWKMembers(t *testing.T) {
	tests := []struct {
		alg         credential.Algorithm
		wantPublic  []string
		wantPrivate []string
	}{
		{credential.EdDSA, []string{"alg", "crv", "kid", "kty", "use", "x"}, []string{"alg", "crv", "d", "kid", "kty", "use", "x"}},
		{credential.ES256, []string{"alg", "crv", "kid", "kty", "use", "x", "y"}, []string{"alg", "crv", "d", "kid", "kty", "use", "x", "y"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			k := mustGenerate(t, tt.alg)
			publicJSON, _ := k.Public().MarshalJSON()
			privateJSON, _ := k.MarshalJSON()
			for _, c := range []struct {
				data []byte
				want []string
			}{{publicJSON, tt.wantPublic}, {privateJSON, tt.wantPrivate}} {
				m := jwkMap(t, c.data)
				if got := sortedKeys(m); strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Errorf("members %v; want %v", got, c.want)
				}
				if m["alg"] != string(tt.alg) || m["use"] != "sig" || m["kid"] != k.Public().KIDString() {
					t.Errorf("alg %v use %v kid %v; want %s sig %s", m["alg"], m["use"], m["kid"], tt.alg, k.Public().KIDString())
				}
			}
		})
	}
}

// badJWKs are the public JWKs an attacker would try, each with the error
// it must be refused with.
func badJWKs(tb testing.TB) []struct {
	name string
	data []byte
	want error
} {
	ed := mustGenerate(tb, credential.EdDSA)
	ec := mustGenerate(tb, credential.ES256)
	other := mustGenerate(tb, credential.EdDSA)
	edJSON, _ := ed.Public().MarshalJSON()
	ecJSON, _ := ec.Public().MarshalJSON()
	edPrivateJSON, _ := ed.MarshalJSON()
	edMap := jwkMap(tb, edJSON)
	ecMap := jwkMap(tb, ecJSON)

	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	p384JSON, err := jose.JSONWebKey{Key: &p384.PublicKey, Algorithm: "ES384"}.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	ecY := decodeB64(tb, ecMap["y"].(string))
	ecY[len(ecY)-1] ^= 1
	lowOrder := make([]byte, 32)
	lowOrder[0] = 1
	deep := `{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"` + edMap["x"].(string) + `","z":` +
		strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`

	set := func(m map[string]any, name string, value any) []byte {
		return edited(tb, m, func(c map[string]any) { c[name] = value })
	}
	del := func(m map[string]any, name string) []byte {
		return edited(tb, m, func(c map[string]any) { delete(c, name) })
	}
	return []struct {
		name string
		data []byte
		want error
	}{
		{"missing alg", del(edMap, "alg"), ErrMissingAlgorithm},
		{"alg with wrong case only", edited(tb, edMap, func(c map[string]any) { delete(c, "alg"); c["Alg"] = "EdDSA" }), ErrMissingAlgorithm},
		{"alg none", set(edMap, "alg", "none"), ErrUnsupportedAlgorithm},
		{"alg HS256", set(edMap, "alg", "HS256"), ErrUnsupportedAlgorithm},
		{"alg RS256", set(edMap, "alg", "RS256"), ErrUnsupportedAlgorithm},
		{"alg lower case", set(edMap, "alg", "eddsa"), ErrUnsupportedAlgorithm},
		{"alg empty", set(edMap, "alg", ""), ErrUnsupportedAlgorithm},
		{"alg not a string", set(edMap, "alg", 7), ErrMalformed},
		{"ES256 on Ed25519", set(edMap, "alg", "ES256"), ErrAlgorithmMismatch},
		{"EdDSA on P-256", set(ecMap, "alg", "EdDSA"), ErrAlgorithmMismatch},
		{"kty EC with crv Ed25519", set(edMap, "kty", "EC"), ErrUnsupportedKeyType},
		{"kty RSA", []byte(`{"kty":"RSA","alg":"RS256","e":"AQAB","n":"` + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xc5}, 256)) + `"}`), ErrUnsupportedKeyType},
		{"P-384", p384JSON, ErrUnsupportedKeyType},
		{"P-384 claiming ES256", edited(tb, jwkMap(tb, p384JSON), func(c map[string]any) { c["alg"] = "ES256" }), ErrUnsupportedKeyType},
		{"X25519", []byte(`{"kty":"OKP","crv":"X25519","alg":"EdDSA","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}`), ErrUnsupportedKeyType},
		{"symmetric key", []byte(`{"kty":"oct","alg":"HS256","k":"GawgguFyGrWKav7AX4VKUg"}`), ErrUnexpectedPrivateKey},
		{"missing kty", del(edMap, "kty"), ErrMalformed},
		{"kid of another key", set(edMap, "kid", other.Public().KIDString()), ErrKIDMismatch},
		{"kid of the full thumbprint", set(edMap, "kid", ed.Public().Thumbprint()), ErrKIDMismatch},
		{"kid with padding", set(edMap, "kid", base64.URLEncoding.EncodeToString(ed.KID())), ErrKIDMismatch},
		{"kid empty", set(edMap, "kid", ""), ErrKIDMismatch},
		{"kid not a string", set(edMap, "kid", 1), ErrMalformed},
		{"private key", edPrivateJSON, ErrUnexpectedPrivateKey},
		{"empty d", set(edMap, "d", ""), ErrUnexpectedPrivateKey},
		{"null d", set(edMap, "d", nil), ErrUnexpectedPrivateKey},
		{"use enc", set(edMap, "use", "enc"), ErrUnsupportedUse},
		{"key_ops encrypt", set(edMap, "key_ops", []string{"verify", "encrypt"}), ErrUnsupportedUse},
		{"key_ops not an array", set(edMap, "key_ops", "verify"), ErrMalformed},
		{"x5c", set(edMap, "x5c", []string{"MIIB"}), ErrUnsupportedMember},
		{"x5u", set(edMap, "x5u", "https://example.com/cert"), ErrUnsupportedMember},
		{"EC point off the curve", set(ecMap, "y", base64.RawURLEncoding.EncodeToString(ecY)), ErrInvalidKey},
		{"EC x short", set(ecMap, "x", base64.RawURLEncoding.EncodeToString(make([]byte, 31))), ErrInvalidKey},
		{"EC point at infinity", edited(tb, ecMap, func(c map[string]any) {
			c["x"] = base64.RawURLEncoding.EncodeToString(make([]byte, 32))
			c["y"] = base64.RawURLEncoding.EncodeToString(make([]byte, 32))
		}), ErrInvalidKey},
		{"EC missing y", del(ecMap, "y"), ErrInvalidKey},
		{"Ed25519 low-order point", set(edMap, "x", base64.RawURLEncoding.EncodeToString(lowOrder)), ErrInvalidKey},
		{"Ed25519 x short", set(edMap, "x", base64.RawURLEncoding.EncodeToString(make([]byte, 31))), ErrInvalidKey},
		{"Ed25519 x not base64url", set(edMap, "x", "!!!!"), ErrInvalidKey},
		{"duplicate alg member", []byte(strings.Replace(string(edJSON), `"alg":"EdDSA"`, `"alg":"EdDSA","alg":"none"`, 1)), ErrMalformed},
		{"duplicate x member", []byte(strings.Replace(string(edJSON), `"alg":"EdDSA"`, `"alg":"EdDSA","x":"`+jwkMap(tb, mustJSON(tb, other.Public()))["x"].(string)+`"`, 1)), ErrMalformed},
		{"truncated", edJSON[:len(edJSON)/2], ErrMalformed},
		{"trailing data", append(bytes.Clone(edJSON), `{}`...), ErrMalformed},
		{"empty", nil, ErrMalformed},
		{"garbage", []byte("\x00\xff garbage"), ErrMalformed},
		{"null", []byte("null"), ErrMalformed},
		{"array", []byte("[" + string(edJSON) + "]"), ErrMalformed},
		{"string", []byte(`"EdDSA"`), ErrMalformed},
		{"deep nesting", []byte(deep), ErrMalformed},
		{"x with non-zero unused bits", set(edMap, "x", nonCanonical(edMap["x"].(string))), ErrInvalidKey},
		{"y with non-zero unused bits", set(ecMap, "y", nonCanonical(ecMap["y"].(string))), ErrInvalidKey},
		{"x with padding", set(edMap, "x", edMap["x"].(string)+"="), ErrInvalidKey},
		{"x with a line feed", set(edMap, "x", edMap["x"].(string)[:20]+"\n"+edMap["x"].(string)[20:]), ErrInvalidKey},
		{"x with a carriage return", set(edMap, "x", edMap["x"].(string)[:20]+"\r"+edMap["x"].(string)[20:]), ErrInvalidKey},
		{"too large", append(bytes.Clone(edJSON[:len(edJSON)-1]), []byte(`,"pad":"`+strings.Repeat("a", MaxJWKSize)+`"}`)...), ErrTooLarge},
	}
}

// nonCanonical changes the last character of an unpadded base64url string
// so that its unused bits are not zero: it decodes to the same bytes with
// Go's lenient decoder.
func nonCanonical(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[i|1])
}

func TestParsePublicJWKRejects(t *testing.T) {
	for _, tt := range badJWKs(t) {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePublicJWK(tt.data)
			if k != nil {
				t.Errorf("got key %s; want nil", k.KIDString())
			}
			wantErr(t, err, tt.want)
			if msg := err.Error(); !strings.HasPrefix(msg, "keys: ") {
				t.Errorf("error %q does not start with \"keys: \"", msg)
			}
		})
	}
}

func TestParsePublicJWKAccepts(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA)
	edMap := jwkMap(t, mustJSON(t, ed.Public()))
	tests := []struct {
		name string
		data []byte
	}{
		{"without kid", edited(t, edMap, func(c map[string]any) { delete(c, "kid") })},
		{"without use", edited(t, edMap, func(c map[string]any) { delete(c, "use") })},
		{"key_ops verify", edited(t, edMap, func(c map[string]any) { c["key_ops"] = []string{"verify"} })},
		{"unknown member", edited(t, edMap, func(c map[string]any) { c["ext"] = true; c["ALG"] = "none" })},
		{"surrounding whitespace", []byte("\n " + string(mustJSON(t, ed.Public())) + " \n")},
		{"RFC 8037 key with alg", []byte(`{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"` + rfc8037X + `"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePublicJWK(tt.data)
			if err != nil {
				t.Fatalf("ParsePublicJWK(%s): %v", tt.data, err)
			}
			if k.Algorithm() != credential.EdDSA {
				t.Errorf("Algorithm() = %q; want EdDSA", k.Algorithm())
			}
		})
	}
}

func TestParsePrivateJWKRejects(t *testing.T) {
	ed := mustGenerate(t, credential.EdDSA)
	ec := mustGenerate(t, credential.ES256)
	otherEC := mustGenerate(t, credential.ES256)
	edMap := jwkMap(t, mustJSON(t, ed))
	ecMap := jwkMap(t, mustJSON(t, ec))
	otherECMap := jwkMap(t, mustJSON(t, otherEC))
	order := elliptic.P256().Params().N.FillBytes(make([]byte, 32))

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"public key", mustJSON(t, ed.Public()), ErrNotPrivateKey},
		{"Ed25519 d of another key", edited(t, edMap, func(c map[string]any) { c["d"] = jwkMap(t, mustJSON(t, mustGenerate(t, credential.EdDSA)))["d"] }), ErrInvalidKey},
		{"EC d of another key", edited(t, ecMap, func(c map[string]any) { c["d"] = otherECMap["d"] }), ErrInvalidKey},
		{"EC d zero", edited(t, ecMap, func(c map[string]any) { c["d"] = base64.RawURLEncoding.EncodeToString(make([]byte, 32)) }), ErrInvalidKey},
		{"EC d equal to the order", edited(t, ecMap, func(c map[string]any) { c["d"] = base64.RawURLEncoding.EncodeToString(order) }), ErrInvalidKey},
		{"EC d short", edited(t, ecMap, func(c map[string]any) { c["d"] = base64.RawURLEncoding.EncodeToString(make([]byte, 31)) }), ErrInvalidKey},
		{"missing alg", edited(t, edMap, func(c map[string]any) { delete(c, "alg") }), ErrMissingAlgorithm},
		{"alg mismatch", edited(t, ecMap, func(c map[string]any) { c["alg"] = "EdDSA" }), ErrAlgorithmMismatch},
		{"kid mismatch", edited(t, edMap, func(c map[string]any) { c["kid"] = ec.Public().KIDString() }), ErrKIDMismatch},
		{"garbage", []byte("not a key"), ErrMalformed},
		{"garbage without passphrase", []byte("not.a.key.at.all"), ErrMalformed},
		{"empty", []byte(" \n"), ErrMalformed},
		{"too large", bytes.Repeat([]byte("a"), MaxJWKSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePrivateJWK(tt.data)
			if k != nil {
				t.Errorf("got key %s; want nil", k.Public().KIDString())
			}
			wantErr(t, err, tt.want)
		})
	}
	// The public-key attacks are refused for private keys too, except those
	// about private members.
	for _, tt := range badJWKs(t) {
		if tt.want == ErrUnexpectedPrivateKey {
			continue
		}
		if _, err := ParsePrivateJWK(tt.data); err == nil {
			t.Errorf("%s: ParsePrivateJWK succeeded; want an error", tt.name)
		}
	}
}
