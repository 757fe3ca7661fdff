package httpapi

import (
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
)

// FuzzDecodeToken feeds arbitrary token request bodies to the decoder: it
// never panics, refuses with a 400 OAuth error, or accepts a request with
// both codes.
func FuzzDecodeToken(f *testing.F) {
	for _, s := range []string{
		tokenForm("ncpa_AAAAAAAAAAAAAAAAAAAAAA.x", "123456"), "", "%zz", "grant_type=x", "a=1&a=2",
		tokenForm("c", "1") + "&tx_code=2", "grant_type=" + PreAuthorizedGrant + "&pre-authorized_code=&tx_code=1",
	} {
		f.Add(s, "application/x-www-form-urlencoded")
	}
	f.Add("x=1", "application/json")
	f.Fuzz(func(t *testing.T, body, ct string) {
		req, oe := decodeToken(ct, []byte(body))
		if oe != nil {
			if oe.Status != 400 || oe.Code == "" || oe.Description == "" || req != nil {
				t.Fatalf("refusal %+v, request %+v", oe, req)
			}
			return
		}
		if req.Code == "" || req.TxCode == "" {
			t.Fatalf("accepted %q without both codes", body)
		}
	})
}

// FuzzDecodeCredentialRequest does the same for credential request JSON.
func FuzzDecodeCredentialRequest(f *testing.F) {
	for _, s := range []string{
		credBody("a.b.c"), credBody(), `{}`, `null`, `[]`, `{"credential_configuration_id":"x","proofs":{"jwt":"x"}}`,
		`{"credential_configuration_id":"x","proofs":{"jwt":["a"],"ldp_vp":[]}}`, `{"credential_configuration_id":"x","proof":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, jwts, oe := decodeCredentialRequest(data)
		if oe != nil {
			if oe.Status != 400 || oe.Code == "" || id != "" || jwts != nil {
				t.Fatalf("refusal %+v with %q %v", oe, id, jwts)
			}
			return
		}
		if id == "" || len(jwts) == 0 || len(jwts) > MaxBatch {
			t.Fatalf("accepted %q: %q, %d proofs", data, id, len(jwts))
		}
	})
}

// FuzzParseProof feeds arbitrary proof JWTs to the proof check: it never
// panics, refuses with invalid_proof or invalid_nonce, or accepts a proof
// whose key and nonce are set.
func FuzzParseProof(f *testing.F) {
	now := time.Unix(1_796_000_000, 0)
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		k := genKey(f, alg)
		good, err := SignProof(k, testIssuer, "n", now)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(good)
		f.Add(cutSignature(good))
		f.Add(craft(f, k, map[string]any{"typ": ProofType, "alg": "none"}, map[string]any{"aud": testIssuer}))
	}
	for _, s := range []string{"", "a.b.c", "..", "e30.e30.", "eyJ0eXAiOjF9.e30.AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, jwt string) {
		p, oe := parseProof(0, jwt, testIssuer, now)
		if oe != nil {
			if p != nil || oe.Status != 400 || (oe.Code != OAuthInvalidProof && oe.Code != OAuthInvalidNonce) {
				t.Fatalf("refusal %+v with proof %v", oe, p)
			}
			return
		}
		if p.Key == nil || p.Nonce == "" {
			t.Fatalf("accepted %q without key or nonce", jwt)
		}
	})
}
