package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/veraison/go-cose"
)

// foreignCWT is an untagged COSE_Sign1 of another issuer: ES256, kid in the
// unprotected header, a text iss and an audience.
func foreignCWT(tb testing.TB) []byte {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := cose.NewSigner(cose.AlgorithmES256, k)
	if err != nil {
		tb.Fatal(err)
	}
	msg := cose.UntaggedSign1Message{Headers: cose.Headers{
		Protected:   cose.ProtectedHeader{cose.HeaderLabelAlgorithm: cose.AlgorithmES256},
		Unprotected: cose.UnprotectedHeader{cose.HeaderLabelKeyID: []byte("foreign-1")},
	}}
	// {1: "https://other.example", 3: "gate", 4: 1800000000}
	msg.Payload = []byte("\xa3\x01\x75https://other.example\x03\x64gate\x04\x1a\x6b\x49\xd2\x00")
	if err := msg.Sign(rand.Reader, nil, signer); err != nil {
		tb.Fatal(err)
	}
	b, err := msg.MarshalCBOR()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestInspect(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t, "--png", w.path("cred.png"))
	foreign := foreignCWT(t)
	foreignFile := w.write(t, "foreign.cbor", string(foreign))
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"netcred QR text", []string{"inspect", text}, exitOK, []string{"EdDSA (-8)", "level", "王小明", "signature not checked"}},
		{"netcred PNG", []string{"inspect", w.path("cred.png")}, exitOK, []string{"identity"}},
		{"json", []string{"inspect", "--json", text}, exitOK, []string{`"protected"`, `"netcred"`}},
		{"w3c", []string{"inspect", "--w3c", text}, exitOK, []string{"VerifiableCredential", "IdentityCredential", "credentialSubject", "remote_face_match"}},
		{"foreign raw CBOR", []string{"inspect", foreignFile}, exitOK, []string{"ES256 (-7)", "https://other.example", "aud", "tagged=false"}},
		{"foreign hex", []string{"inspect", w.write(t, "foreign.hex", hex.EncodeToString(foreign))}, exitOK, []string{"format:      hex", "ES256"}},
		{"foreign hex inline", []string{"inspect", hex.EncodeToString(foreign)}, exitOK, []string{"format:      hex", "ES256"}},
		{"foreign has no w3c view", []string{"inspect", "--w3c", foreignFile}, exitInvalid, []string{"no W3C view"}},
		{"garbage", []string{"inspect", w.write(t, "garbage.txt", "not a credential at all!")}, exitInvalid, []string{"not QR text"}},
		{"truncated", []string{"inspect", w.write(t, "trunc.hex", hex.EncodeToString(foreign[:20]))}, exitInvalid, []string{"error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, tc.code)
			for _, want := range tc.wants {
				if !strings.Contains(r.stdout+r.stderr, want) {
					t.Errorf("output lacks %q:\n%s%s", want, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestInspectW3CIsJSON(t *testing.T) {
	w := newWorkspace(t)
	r := runCLI(t, "", "inspect", "--w3c", w.issue(t)).must(t, exitOK)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	subject := doc["credentialSubject"].(map[string]any)
	if subject["birth_date"] != "1949-12-31" || doc["assuranceLevel"] != "substantial" {
		t.Fatalf("unexpected W3C view: %s", r.stdout)
	}
}
