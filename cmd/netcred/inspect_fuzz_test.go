package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/netcred/netcred/schemas"
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

// FuzzInspect feeds arbitrary input to inspect's decoders, which read
// foreign formats leniently: no panic, whatever the bytes.
func FuzzInspect(f *testing.F) {
	w := newWorkspace(f)
	f.Add([]byte(w.issue(f)))
	f.Add(foreignCWT(f))
	f.Add([]byte("HC1:NCFOXN%TS3DH"))
	f.Add([]byte("d28443a10126a0"))
	f.Add([]byte{0xd8, 0x3d, 0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40})
	f.Add([]byte("\xd2\x84\x43\xa1\x01\x27\xa0\x45hello\x40"))          // text payload
	f.Add([]byte("\xd2\x84\x43\xa1\x01\x27\xa0\x43\x82\x01\x02\x40"))   // CBOR, not a map
	f.Add([]byte{0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0xf6, 0x40}) // detached
	registry := schemas.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		raw, _, err := inspectBytes(data)
		if err != nil {
			return
		}
		report, err := inspectCOSE(raw, registry)
		if err == nil && report == nil {
			t.Fatal("no report and no error")
		}
	})
}
