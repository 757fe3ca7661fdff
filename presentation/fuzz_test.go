package presentation_test

import (
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
	"github.com/netcred/netcred/spec"
)

// seedPresentations are presentations of both holder key types, with and
// without nonce and audience, and the inputs of the presentation vectors.
func seedPresentations(tb testing.TB) [][]byte {
	var out [][]byte
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		w := newWorld(tb, alg)
		out = append(out, w.present(tb, sign.Options{Now: at}), w.present(tb, sign.Options{Now: at, Nonce: []byte("n"), Audience: "gate"}))
	}
	vectors, err := spec.LoadPresentationVectors()
	if err != nil {
		tb.Fatal(err)
	}
	for _, v := range vectors {
		if b, err := presentation.DecodeQR(v.Input); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzParse feeds arbitrary bytes to Parse and, when it accepts them, to
// Verify with the reference holder key: no panic, no result with an
// error, and accepted claims that re-decode the same.
func FuzzParse(f *testing.F) {
	for _, s := range seedPresentations(f) {
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	f.Add([]byte{0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40})
	w := newWorld(f, credential.ES256)
	hk := holderVerifyKey(f, w.holder)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := presentation.Parse(data)
		if err != nil {
			if p != nil {
				t.Fatal("presentation with an error")
			}
			return
		}
		// Parse checks the header's layout only; the credential between
		// label 13 and the typ is the verifier's to check, by credential.md's
		// rules (presentation.md §5 step 3: vector
		// malformed_presentation_credential_not_cose).
		if len(p.Credential()) >= len(data) {
			t.Fatalf("a credential of %d bytes in a presentation of %d", len(p.Credential()), len(data))
		}
		c, err := p.Verify(hk)
		if err != nil {
			if c != nil {
				t.Fatal("claims with an error")
			}
			return
		}
		if c.Audience == "" && c.IssuedAt.IsZero() {
			t.Fatal("verified claims without iat")
		}
	})
}

// FuzzDecodeQR: QR text in, no panic; what decodes parses or is refused.
func FuzzDecodeQR(f *testing.F) {
	for _, s := range seedPresentations(f) {
		text, err := presentation.EncodeQR(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(text)
		f.Add(text[:len(text)/2])
	}
	f.Add("NP1:")
	f.Add("NC1:6BF")
	f.Fuzz(func(t *testing.T, text string) {
		b, err := presentation.DecodeQR(text)
		if err != nil {
			if b != nil {
				t.Fatal("bytes with an error")
			}
			return
		}
		if len(b) > presentation.MaxSize {
			t.Fatalf("decoded %d bytes", len(b))
		}
		_, _ = presentation.Parse(b)
	})
}

// FuzzDecodeClaims: what decodes re-encodes canonically to the same bytes.
func FuzzDecodeClaims(f *testing.F) {
	f.Add([]byte{0xa2, 0x03, 0x60, 0x06, 0x1a, 0x69, 0x26, 0xc1, 0x50})
	f.Add([]byte{0xa3, 0x03, 0x64, 'g', 'a', 't', 'e', 0x06, 0x01, 0x18, 0x27, 0x41, 0x01})
	f.Add([]byte{0xa1, 0x03, 0x60})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := presentation.DecodeClaims(data)
		if err != nil {
			if c != nil {
				t.Fatal("claims with an error")
			}
			return
		}
		if c.IssuedAt.Unix() < 1 || len(c.Audience) > presentation.MaxAudienceLen || len(c.Nonce) > presentation.MaxNonceLen {
			t.Fatalf("accepted out-of-profile claims %+v", c)
		}
		if c.Nonce != nil && len(c.Nonce) == 0 {
			t.Fatal("empty nonce accepted")
		}
	})
}
