package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/keys"
)

// ProofVector is one case of spec/oid4vci.md §7.3: the proof JWT Proof,
// checked for the credential issuer Audience at At, is accepted (Expect
// Result "ok", with the nonce it carries and the RFC 7638 thumbprint of
// its key) or refused with an OAuth error code.
type ProofVector struct {
	Name     string      `json:"name"`
	Comment  string      `json:"comment"`
	Audience string      `json:"audience"`
	At       string      `json:"at"`
	Proof    string      `json:"proof"`
	Expect   ProofExpect `json:"expect"`
}

// ProofExpect is a proof vector's expected result.
type ProofExpect struct {
	Result     string `json:"result"`
	Nonce      string `json:"nonce,omitempty"`
	Thumbprint string `json:"thumbprint,omitempty"`
}

// RandomizedProofVectors are the proof vectors with ES256 signatures.
var RandomizedProofVectors = map[string]bool{"proof_valid_es256": true}

var proofAt = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

const proofAudience = "https://id.example.cn"

// GenerateProofs returns the proof vectors.
func GenerateProofs() ([]ProofVector, error) {
	holder, err := keys.NewPrivateKey(fixedEd25519("holder-ed25519"))
	if err != nil {
		return nil, err
	}
	other, err := keys.NewPrivateKey(fixedEd25519("attacker-ed25519"))
	if err != nil {
		return nil, err
	}
	es, err := keys.NewPrivateKey(fixedP256("holder-p256"))
	if err != nil {
		return nil, err
	}
	jwkOf := func(k *keys.PrivateKey) map[string]any {
		b, _ := k.Public().MarshalJSON()
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	header := func(k *keys.PrivateKey, mod func(map[string]any)) map[string]any {
		h := map[string]any{"typ": "openid4vci-proof+jwt", "alg": string(k.Algorithm()), "jwk": jwkOf(k)}
		if mod != nil {
			mod(h)
		}
		return h
	}
	payload := func(mod func(map[string]any)) map[string]any {
		p := map[string]any{"aud": proofAudience, "iat": proofAt.Unix(), "nonce": "c-nonce-1"}
		if mod != nil {
			mod(p)
		}
		return p
	}
	sign := func(k *keys.PrivateKey, h, p map[string]any) string {
		hb, _ := json.Marshal(h)
		pb, _ := json.Marshal(p)
		out, err := jws.Sign(hb, pb, k)
		if err != nil {
			panic(err)
		}
		return string(out)
	}
	unsigned := func(h, p map[string]any, sig []byte) string {
		hb, _ := json.Marshal(h)
		pb, _ := json.Marshal(p)
		e := base64.RawURLEncoding
		return e.EncodeToString(hb) + "." + e.EncodeToString(pb) + "." + e.EncodeToString(sig)
	}
	var out []ProofVector
	ok := func(name, comment, proof string, k *keys.PrivateKey, nonce string) {
		out = append(out, ProofVector{Name: "proof_" + name, Comment: comment, Audience: proofAudience, At: proofAt.Format(time.RFC3339),
			Proof: proof, Expect: ProofExpect{Result: "ok", Nonce: nonce, Thumbprint: k.Public().Thumbprint()}})
	}
	bad := func(name, comment, proof, code string) {
		out = append(out, ProofVector{Name: "proof_" + name, Comment: comment, Audience: proofAudience, At: proofAt.Format(time.RFC3339),
			Proof: proof, Expect: ProofExpect{Result: code}})
	}
	const invalidProof, invalidNonce = "invalid_proof", "invalid_nonce"

	ok("valid_eddsa", "an EdDSA proof by the key in its jwk header", sign(holder, header(holder, nil), payload(nil)), holder, "c-nonce-1")
	ok("valid_es256", "an ES256 proof (signature r || s, randomized)", sign(es, header(es, nil), payload(nil)), es, "c-nonce-1")
	ok("valid_jwk_without_alg", "the jwk has no alg: the header's applies",
		sign(holder, header(holder, func(h map[string]any) { delete(h["jwk"].(map[string]any), "alg") }), payload(nil)), holder, "c-nonce-1")
	ok("valid_aud_array", "aud as an array holding only the issuer", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["aud"] = []string{proofAudience} })), holder, "c-nonce-1")
	ok("valid_iat_oldest", "iat exactly 5 minutes before the issuer's clock", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = proofAt.Add(-5 * time.Minute).Unix() })), holder, "c-nonce-1")
	ok("valid_iat_skew", "iat exactly 60 seconds ahead of the issuer's clock", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = proofAt.Add(time.Minute).Unix() })), holder, "c-nonce-1")
	ok("valid_iss_ignored", "an iss claim is ignored", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iss"] = "wallet" })), holder, "c-nonce-1")

	bad("iat_stale", "iat 5 minutes and 1 second old", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = proofAt.Add(-5*time.Minute - time.Second).Unix() })), invalidProof)
	bad("iat_future", "iat 61 seconds ahead", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = proofAt.Add(61 * time.Second).Unix() })), invalidProof)
	bad("iat_missing", "no iat", sign(holder, header(holder, nil), payload(func(p map[string]any) { delete(p, "iat") })), invalidProof)
	bad("iat_string", "iat as a string", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = fmt.Sprint(proofAt.Unix()) })), invalidProof)
	bad("iat_fraction", "iat with a fraction", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["iat"] = float64(proofAt.Unix()) + 0.5 })), invalidProof)
	bad("aud_wrong", "aud names another issuer", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["aud"] = "https://evil.example" })), invalidProof)
	bad("aud_two", "aud holds the issuer and another", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["aud"] = []string{proofAudience, "https://evil.example"} })), invalidProof)
	bad("aud_missing", "no aud", sign(holder, header(holder, nil), payload(func(p map[string]any) { delete(p, "aud") })), invalidProof)
	bad("aud_trailing_slash", "aud with a trailing slash is another string", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["aud"] = proofAudience + "/" })), invalidProof)
	bad("nonce_missing", "no nonce: get one from the nonce endpoint", sign(holder, header(holder, nil), payload(func(p map[string]any) { delete(p, "nonce") })), invalidNonce)
	bad("nonce_empty", "an empty nonce", sign(holder, header(holder, nil), payload(func(p map[string]any) { p["nonce"] = "" })), invalidNonce)
	bad("alg_none", "alg none, empty signature", unsigned(header(holder, func(h map[string]any) { h["alg"] = "none" }), payload(nil), nil), invalidProof)
	bad("alg_hs256", "alg HS256", unsigned(header(holder, func(h map[string]any) { h["alg"] = "HS256" }), payload(nil), make([]byte, 32)), invalidProof)
	bad("alg_mismatch", "alg ES256 on an Ed25519 jwk", sign(holder, header(holder, func(h map[string]any) { h["alg"] = "ES256" }), payload(nil)), invalidProof)
	bad("alg_missing", "no alg", sign(holder, header(holder, func(h map[string]any) { delete(h, "alg") }), payload(nil)), invalidProof)
	bad("typ_jwt", "typ JWT", sign(holder, header(holder, func(h map[string]any) { h["typ"] = "JWT" }), payload(nil)), invalidProof)
	bad("typ_missing", "no typ", sign(holder, header(holder, func(h map[string]any) { delete(h, "typ") }), payload(nil)), invalidProof)
	bad("jwk_missing", "no jwk", sign(holder, header(holder, func(h map[string]any) { delete(h, "jwk") }), payload(nil)), invalidProof)
	bad("kid_instead_of_jwk", "a kid names the key instead of a jwk", sign(holder, header(holder, func(h map[string]any) { delete(h, "jwk"); h["kid"] = holder.Public().KIDString() }), payload(nil)), invalidProof)
	bad("kid_beside_jwk", "a kid beside the jwk", sign(holder, header(holder, func(h map[string]any) { h["kid"] = holder.Public().KIDString() }), payload(nil)), invalidProof)
	bad("x5c", "an x5c header", sign(holder, header(holder, func(h map[string]any) { h["x5c"] = []string{"MIIB"} }), payload(nil)), invalidProof)
	bad("crit", "a crit header", sign(holder, header(holder, func(h map[string]any) { h["crit"] = []string{"exp"} }), payload(nil)), invalidProof)
	bad("jwk_private", "the jwk carries the private key", sign(holder, header(holder, func(h map[string]any) {
		b, _ := holder.MarshalJSON()
		var m map[string]any
		json.Unmarshal(b, &m)
		h["jwk"] = m
	}), payload(nil)), invalidProof)
	bad("signature_other_key", "signed by another key than its jwk", sign(other, header(holder, nil), payload(nil)), invalidProof)
	bad("signature_payload_changed", "the payload changed after signing", func() string {
		s := sign(holder, header(holder, nil), payload(nil))
		parts := strings.Split(s, ".")
		pb, _ := json.Marshal(payload(func(p map[string]any) { p["nonce"] = "c-nonce-2" }))
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString(pb) + "." + parts[2]
	}(), invalidProof)
	bad("padded", "base64url with padding", sign(holder, header(holder, nil), payload(nil))+"==", invalidProof)
	bad("two_segments", "two segments", strings.Join(strings.Split(sign(holder, header(holder, nil), payload(nil)), ".")[:2], "."), invalidProof)
	bad("header_duplicate_member", "a duplicate header member", func() string {
		hb := []byte(`{"typ":"openid4vci-proof+jwt","alg":"EdDSA","alg":"none","jwk":` + string(must(json.Marshal(jwkOf(holder)))) + `}`)
		pb, _ := json.Marshal(payload(nil))
		s, _ := jws.Sign(hb, pb, holder)
		return string(s)
	}(), invalidProof)
	bad("payload_array", "the payload is a JSON array", func() string {
		hb, _ := json.Marshal(header(holder, nil))
		s, _ := jws.Sign(hb, []byte(`[]`), holder)
		return string(s)
	}(), invalidProof)
	return out, nil
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
