package jws

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

func testKeys(tb testing.TB) []*keys.PrivateKey {
	tb.Helper()
	ed, err := keys.NewPrivateKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		tb.Fatal(err)
	}
	es, err := keys.Generate(credential.ES256)
	if err != nil {
		tb.Fatal(err)
	}
	return []*keys.PrivateKey{ed, es}
}

func header(k *keys.PrivateKey) []byte {
	return []byte(`{"alg":"` + string(k.Algorithm()) + `","typ":"x+jwt"}`)
}

func TestSignParseVerify(t *testing.T) {
	ks := testKeys(t)
	for _, k := range ks {
		t.Run(string(k.Algorithm()), func(t *testing.T) {
			payload := []byte(`{"iss":"police-01"}`)
			s, err := Sign(header(k), payload, k)
			if err != nil {
				t.Fatal(err)
			}
			j, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(j.Payload, payload) || !bytes.Equal(j.Header, header(k)) {
				t.Errorf("got %s %s; want %s %s", j.Header, j.Payload, header(k), payload)
			}
			if !j.Verify(k.Public()) {
				t.Errorf("does not verify with its key")
			}
			for _, other := range ks {
				if other != k && j.Verify(other.Public()) {
					t.Errorf("verifies with %s", other.Algorithm())
				}
			}
			if got, ok := goJoseVerify(s, k.Public()); !ok || !bytes.Equal(got, payload) {
				t.Errorf("go-jose: %s, %v; want the payload", got, ok)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	k := testKeys(t)[0]
	s, err := Sign(header(k), []byte(`{}`), k)
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(string(s), ".")
	for _, bad := range []string{
		"", ".", "..", "...", p[0], p[0] + "." + p[1], "." + p[1] + "." + p[2], string(s) + ".",
		p[0] + "=." + p[1] + "." + p[2], p[0] + "." + p[1] + "." + p[2] + "==", p[0] + "\n." + p[1] + "." + p[2],
		p[0] + "." + p[1] + "." + p[2][:len(p[2])-1] + "B", // non-zero unused bits
		p[0] + "." + p[1] + "." + p[2][:len(p[2])-1],       // 85 characters: len % 4 == 1
		`{"payload":"","signatures":[]}`, p[0] + "+" + "." + p[1] + "." + p[2],
	} {
		if _, err := Parse([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q): got %v; want %v", bad, err, ErrMalformed)
		}
	}
	// An empty payload and an empty signature parse; Verify refuses the latter.
	j, err := Parse([]byte(p[0] + ".."))
	if err != nil || j.Verify(k.Public()) {
		t.Errorf("empty payload and signature: %v; want it parsed and not verified", err)
	}
}

// goJoseVerify is the reference: go-jose's ParseSignedCompact, allowing
// only the key's algorithm, and Verify.
func goJoseVerify(data []byte, key *keys.PublicKey) ([]byte, bool) {
	object, err := jose.ParseSignedCompact(string(data), []jose.SignatureAlgorithm{jose.SignatureAlgorithm(key.Algorithm())})
	if err != nil || len(object.Signatures) != 1 {
		return nil, false
	}
	payload, err := object.Verify(key.Key())
	return payload, err == nil
}

// leanVerify is Parse and Verify with the header checks of netcred's
// attestation profile (a strict JSON object of alg, typ and kid strings,
// alg the key's).
func leanVerify(data []byte, key *keys.PublicKey) ([]byte, bool) {
	j, err := Parse(data)
	if err != nil {
		return nil, false
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}
	if strictjson.Unmarshal(j.Header, &h, strictjson.DisallowUnknownFields(), strictjson.DisallowNull()) != nil || h.Alg != string(key.Algorithm()) {
		return nil, false
	}
	if !j.Verify(key) {
		return nil, false
	}
	return j.Payload, true
}

// FuzzVerifyAgainstGoJose: whatever the lean path accepts, go-jose
// accepts with the same payload; whatever go-jose accepts with a header of
// only alg, typ and kid in canonical base64url, the lean path accepts too.
func FuzzVerifyAgainstGoJose(f *testing.F) {
	ks := testKeys(f)
	for _, k := range ks {
		s, _ := Sign(header(k), []byte(`{"iss":"police-01","iat":1}`), k)
		f.Add(s)
		f.Add(bytes.Replace(s, []byte("."), []byte("=."), 1))
		s, _ = Sign([]byte(`{"alg":"`+string(k.Algorithm())+`","crit":["b64"],"b64":false}`), []byte(`x`), k)
		f.Add(s)
	}
	f.Add([]byte("eyJhbGciOiJub25lIn0.e30."))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range ks[:1] { // Ed25519: deterministic, and the seeds are signed by it
			lean, leanOK := leanVerify(data, k.Public())
			ref, refOK := goJoseVerify(data, k.Public())
			if leanOK && (!refOK || !bytes.Equal(lean, ref)) {
				t.Fatalf("lean accepts %q (payload %q), go-jose: %v %q", data, lean, refOK, ref)
			}
			if refOK && !leanOK {
				j, err := Parse(data)
				if err != nil {
					return // not canonical: stricter on purpose
				}
				var members map[string]json.RawMessage
				if strictjson.Unmarshal(j.Header, &members) != nil {
					return // duplicate members, bad UTF-8: stricter on purpose
				}
				for name, v := range members {
					var s string
					if (name != "alg" && name != "typ" && name != "kid") || json.Unmarshal(v, &s) != nil {
						return // outside the profile
					}
				}
				t.Fatalf("go-jose accepts %q, the lean path does not", data)
			}
		}
	})
}
