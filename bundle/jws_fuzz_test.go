package bundle

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
)

// leanVerify is the bundle's own JWS path without the bundle rules:
// compact serialization, canonical base64url, a strict JSON header with
// only the profile's members whose alg is key's, and the signature.
// It returns the payload, or ok false.
func leanVerify(data []byte, key *keys.PublicKey) (payload []byte, ok bool) {
	jws, err := parseCompact(data)
	if err != nil {
		return nil, false
	}
	var members map[string]json.RawMessage
	if strictjson.Unmarshal(jws.header, &members) != nil || members == nil {
		return nil, false
	}
	for name := range members {
		if !slices.Contains(bundleHeaderMembers, name) {
			return nil, false
		}
	}
	alg, present, err := headerString(members, "alg")
	if err != nil || !present || alg != string(key.Algorithm()) {
		return nil, false
	}
	if !headerMembersOK(members) {
		return nil, false
	}
	if !jws.verify(key) {
		return nil, false
	}
	return jws.payload, true
}

// goJoseVerify is the reference: go-jose's ParseSignedCompact, allowing
// only key's algorithm, and Verify.
func goJoseVerify(data []byte, key *keys.PublicKey) (payload []byte, ok bool) {
	object, err := jose.ParseSignedCompact(string(data), []jose.SignatureAlgorithm{jose.SignatureAlgorithm(key.Algorithm())})
	if err != nil || len(object.Signatures) != 1 {
		return nil, false
	}
	payload, err = object.Verify(key.Key())
	return payload, err == nil
}

// stricterThanGoJose reports the inputs the bundle profile refuses on
// purpose where go-jose accepts them: non-canonical base64url (padding,
// CR or LF, non-zero unused bits), a header member outside alg, jwk, kid
// and typ (crit, b64, ...), a header that is not strict JSON (duplicate
// members, invalid UTF-8, lone surrogates, a byte-order mark).
func stricterThanGoJose(data []byte) bool {
	jws, err := parseCompact(data)
	if err != nil {
		return true
	}
	var members map[string]json.RawMessage
	if strictjson.Unmarshal(jws.header, &members) != nil {
		return true
	}
	for name := range members {
		if !slices.Contains(bundleHeaderMembers, name) {
			return true
		}
	}
	return !headerMembersOK(members)
}

// headerMembersOK checks the header members other than alg as the bundle
// profile does: kid and typ strings, jwk a public JWK of keys' profile.
func headerMembersOK(members map[string]json.RawMessage) bool {
	for _, name := range []string{"kid", "typ"} {
		if _, _, err := headerString(members, name); err != nil {
			return false
		}
	}
	if jwk, ok := members["jwk"]; ok {
		if _, err := keys.ParsePublicJWK(jwk); err != nil {
			return false
		}
	}
	return true
}

// FuzzVerifyCompactAgainstGoJose holds the lean JWS verifier to go-jose:
// whatever it accepts, go-jose accepts with the same payload; whatever
// go-jose accepts, it accepts too unless the profile is stricter on
// purpose (stricterThanGoJose). The key is the header's jwk when it has a
// valid one (so that the vectors' bundles verify), else each seed root.
func FuzzVerifyCompactAgainstGoJose(f *testing.F) {
	seeds := seedKeys(f)
	for _, root := range seeds {
		f.Add(mustSign(f, testBundle(f, testIssuerKeys(f)...), root))
	}
	for _, bad := range badBundles(f, seeds[0], seeds[1]) {
		if len(bad.data) <= 64<<10 {
			f.Add(bad.data)
		}
	}
	vectors, err := spec.LoadVectors()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vectors {
		for _, t := range []*spec.VectorTrust{v.Trust, v.Update} {
			if t != nil && t.Bundle != "" {
				f.Add([]byte(t.Bundle))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		candidates := []*keys.PublicKey{seeds[0].Public(), seeds[1].Public()}
		if jws, err := parseCompact(data); err == nil {
			var h struct {
				JWK json.RawMessage `json:"jwk"`
			}
			if json.Unmarshal(jws.header, &h) == nil {
				if k, err := keys.ParsePublicJWK(h.JWK); err == nil {
					candidates = append(candidates, k)
				}
			}
		}
		for _, key := range candidates {
			mine, mineOK := leanVerify(data, key)
			ref, refOK := goJoseVerify(data, key)
			switch {
			case mineOK && !refOK:
				t.Fatalf("lean verifier accepts what go-jose refuses, key %s: %q", key, data)
			case mineOK && string(mine) != string(ref):
				t.Fatalf("payloads differ, key %s: lean %q, go-jose %q", key, mine, ref)
			case refOK && !mineOK && !stricterThanGoJose(data):
				t.Fatalf("go-jose accepts what the lean verifier refuses, key %s: %q", key, data)
			}
		}
	})
}

func TestVerifyCompactAgreesOnVectors(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vectors {
		for _, tr := range []*spec.VectorTrust{v.Trust, v.Update} {
			if tr == nil || tr.Bundle == "" || !strings.HasPrefix(tr.Bundle, "eyJ") {
				continue
			}
			data := []byte(tr.Bundle)
			jws, err := parseCompact(data)
			if err != nil {
				continue
			}
			root, err := readBundleHeader(jws.header)
			if err != nil {
				continue
			}
			mine, mineOK := leanVerify(data, root)
			ref, refOK := goJoseVerify(data, root)
			if mineOK != refOK || string(mine) != string(ref) {
				t.Errorf("%s: lean verifier %v, go-jose %v", v.Name, mineOK, refOK)
			}
			n++
		}
	}
	if n < 10 {
		t.Errorf("checked %d vector bundles; want at least 10", n)
	}
}

// BenchmarkVerifyCompact pairs the lean JWS verifier with go-jose's
// ParseSignedCompact and Verify (the baseline) on the same signed bundle.
func BenchmarkVerifyCompact(b *testing.B) {
	for _, root := range seedKeys(b) {
		data := mustSign(b, testBundle(b, testIssuerKeys(b)...), root)
		key := root.Public()
		b.Run(string(key.Algorithm())+"/lean", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := leanVerify(data, key); !ok {
					b.Fatal("refused")
				}
			}
		})
		b.Run(string(key.Algorithm())+"/go-jose", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := goJoseVerify(data, key); !ok {
					b.Fatal("refused")
				}
			}
		})
	}
}

// TestSignMatchesGoJose checks the hand-written Sign against go-jose's
// signer: with an Ed25519 root (deterministic signatures) the JWS is byte
// for byte the one go-jose writes with the same header members; with a
// P-256 root, go-jose verifies it.
func TestSignMatchesGoJose(t *testing.T) {
	for _, root := range seedKeys(t) {
		b := testBundle(t, testIssuerKeys(t)...)
		got := mustSign(t, b, root)
		payload, err := b.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		options := new(jose.SignerOptions).WithType(Type).
			WithHeader("kid", root.Public().KIDString()).WithHeader("jwk", joseJWK(root.Public()))
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(root.Algorithm()), Key: root.Signer()}, options)
		if err != nil {
			t.Fatal(err)
		}
		object, err := signer.Sign(payload)
		if err != nil {
			t.Fatal(err)
		}
		want, err := object.CompactSerialize()
		if err != nil {
			t.Fatal(err)
		}
		if root.Algorithm() == "EdDSA" && string(got) != want {
			t.Errorf("EdDSA: Sign writes\n%s\ngo-jose writes\n%s", got, want)
		}
		if gotPayload, ok := goJoseVerify(got, root.Public()); !ok || string(gotPayload) != string(payload) {
			t.Errorf("%s: go-jose does not verify Sign's JWS", root.Algorithm())
		}
		if gotHeader, wantHeader := strings.Split(string(got), ".")[0], strings.Split(want, ".")[0]; gotHeader != wantHeader {
			t.Errorf("%s: header %s; go-jose %s", root.Algorithm(), gotHeader, wantHeader)
		}
	}
}
