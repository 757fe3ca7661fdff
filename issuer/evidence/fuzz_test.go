package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzParseItem: no panic; an error is an evidence_malformed *Error; an
// accepted item writes itself back to an object that parses to it.
func FuzzParseItem(f *testing.F) {
	fx := newFixture(f)
	for _, s := range []string{
		`{"method":"face_match","score":0.97,"liveness":true}`,
		`{"method":"face_match","score":0.5,"liveness":false}`,
		`{"method":"document_check","terminal":"police-01","attestation":"` + fx.attest(f, fx.police1, nil) + `"}`,
		`{"method":"face_match","score":0.97}`, `{"method":"face_match","score":1e400,"liveness":true}`,
		`{"method":"document_check","terminal":"police-01","attestation":"x","score":1}`,
		`{"method":"selfie"}`, `{}`, `null`, `[]`, `{"method":null}`, `{"method":"face_match","method":"document_check"}`,
	} {
		f.Add([]byte(s))
	}
	for _, s := range vectorEvidence(f) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := ParseItem(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeMalformed {
				t.Fatalf("error %v is not an evidence_malformed *Error", err)
			}
			if it != (Item{}) {
				t.Fatalf("an error with a non-zero item %+v", it)
			}
			return
		}
		out, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseItem(out)
		if err != nil || again != it {
			t.Fatalf("round trip of %s: %+v, %v; want %+v", out, again, err, it)
		}
	})
}

// FuzzParseAttestation: no panic; an error is an attestation_invalid
// *Error; an accepted attestation has valid fields, and the fixture's
// terminal key verifies only what it signed.
func FuzzParseAttestation(f *testing.F) {
	fx := newFixture(f)
	valid := fx.attest(f, fx.police1, nil)
	header := `{"alg":"EdDSA","typ":"netcred-attestation+jwt"}`
	for _, s := range []string{
		valid,
		fx.attest(f, fx.police1, func(a *Attestation) { a.Expiry = testNow.Add(time.Hour) }),
		fx.attest(f, fx.police2, func(a *Attestation) { a.Terminal = "police-02" }),
		rawJWS(`{"alg":"none","typ":"netcred-attestation+jwt"}`, `{"iss":"police-01","iat":1,"jti":"j","claims_digest":"`+fx.digest.String()+`"}`, nil),
		rawJWS(header, `{"iss":"police-01","iat":1.5,"jti":"j","claims_digest":""}`, []byte{1, 2, 3}),
		rawJWS(header, `[]`, nil), rawJWS(`{}`, `{}`, nil), rawJWS(`{"alg":"EdDSA","alg":"EdDSA"}`, `{}`, nil),
		strings.ReplaceAll(valid, ".", ".."), valid + "=", "..", ".", "", "{}",
	} {
		f.Add(s)
	}
	for _, s := range vectorEvidence(f) {
		if it, err := ParseItem([]byte(s)); err == nil && it.Method == MethodDocumentCheck {
			f.Add(it.Attestation)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		sa, err := parseAttestation(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeAttestationInvalid {
				t.Fatalf("error %v is not an attestation_invalid *Error", err)
			}
			if sa != nil {
				t.Fatalf("an error with an attestation")
			}
			return
		}
		if !ValidTerminalName(sa.Terminal) || !validJTI(sa.ID) || sa.IssuedAt.IsZero() || (!sa.Expiry.IsZero() && !sa.Expiry.After(sa.IssuedAt)) {
			t.Fatalf("accepted an attestation with invalid fields: %+v", sa.Attestation)
		}
		if sa.verify(fx.police1.Public()) == nil {
			// Only the fixture signed with police-01: the header and
			// claims must be those of an attestation it made.
			parts := strings.Split(s, ".")
			if !bytes.Equal(sa.jws.Header, []byte(`{"alg":"EdDSA","typ":"netcred-attestation+jwt","kid":"`+fx.police1.Public().KIDString()+`"}`)) || len(parts) != 3 {
				t.Fatalf("police-01's key verifies a header it did not sign: %s", sa.jws.Header)
			}
		}
	})
}

// vectorEvidence returns every evidence item of the vectors, as seeds.
func vectorEvidence(tb testing.TB) []string {
	files, _ := filepath.Glob("../../spec/vectors/evidence/*.json")
	var out []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		var v vector
		if err := json.Unmarshal(data, &v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, v.Evidence...)
	}
	if len(out) == 0 {
		tb.Fatal("no vector evidence")
	}
	return out
}
