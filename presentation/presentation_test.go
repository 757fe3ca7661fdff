package presentation_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/qrimage"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
)

func TestRoundTrip(t *testing.T) {
	for _, alg := range []credential.Algorithm{credential.ES256, credential.EdDSA} {
		w := newWorld(t, alg)
		now := at.Add(time.Hour)
		for _, opts := range []sign.Options{
			{Now: now},
			{Now: now, Audience: "gate-7.metro.example"},
			{Now: now, Audience: "hotel-desk", Nonce: []byte("7KQ2-9XJ4")},
		} {
			cose := w.present(t, opts)
			text, err := presentation.EncodeQR(cose)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, presentation.QRPrefix) || !presentation.IsQR(" \n"+text) {
				t.Fatalf("QR text %q does not start with %s", text, presentation.QRPrefix)
			}
			back, err := presentation.DecodeQR(text)
			if err != nil || !bytes.Equal(back, cose) {
				t.Fatalf("DecodeQR: %v", err)
			}
			p, err := presentation.Parse(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Credential(), w.cred) || p.Algorithm() != alg {
				t.Fatalf("credential or alg not kept")
			}
			c, err := p.Verify(holderVerifyKey(t, w.holder))
			if err != nil {
				t.Fatal(err)
			}
			if !c.IssuedAt.Equal(now) || c.Audience != opts.Audience || !bytes.Equal(c.Nonce, opts.Nonce) {
				t.Fatalf("claims %+v; want %+v", c, opts)
			}
			if _, err := p.Verify(holderVerifyKey(t, w.other)); !errors.Is(err, presentation.ErrSignatureInvalid) {
				t.Fatalf("verified with another key: %v", err)
			}
		}
	}
}

// TestPresentRefuses: the device refuses to sign what no verifier accepts.
func TestPresentRefuses(t *testing.T) {
	w := newWorld(t, credential.ES256)
	ed := fixedKey(t, "holder", credential.EdDSA)
	tests := []struct {
		name string
		run  func() error
	}{
		{"another key", func() error {
			_, err := sign.Present(w.cred, w.other.Algorithm(), w.other.Signer(), sign.Options{})
			return err
		}},
		{"another algorithm", func() error {
			_, err := sign.Present(w.cred, ed.Algorithm(), ed.Signer(), sign.Options{})
			return err
		}},
		{"nonce too long", func() error {
			_, err := sign.Present(w.cred, w.holder.Algorithm(), w.holder.Signer(), sign.Options{Nonce: make([]byte, 65)})
			return err
		}},
		{"empty nonce", func() error {
			_, err := sign.Present(w.cred, w.holder.Algorithm(), w.holder.Signer(), sign.Options{Nonce: []byte{}})
			return err
		}},
		{"audience too long", func() error {
			_, err := sign.Present(w.cred, w.holder.Algorithm(), w.holder.Signer(), sign.Options{Audience: strings.Repeat("a", 257)})
			return err
		}},
		{"not a credential", func() error {
			_, err := sign.Present([]byte{0xd2, 0x80}, w.holder.Algorithm(), w.holder.Signer(), sign.Options{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil {
				t.Fatal("signed; want an error")
			}
		})
	}
	bare, err := credsignBare(t, w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign.Present(bare, w.holder.Algorithm(), w.holder.Signer(), sign.Options{}); !errors.Is(err, sign.ErrNotHolder) {
		t.Fatalf("a credential without cnf: %v; want ErrNotHolder", err)
	}
}

// qrVersion is the QR version (level M) that holds text.
func qrVersion(tb testing.TB, text string) int {
	tb.Helper()
	s, err := qrimage.Options{NoColor: true}.Terminal(text)
	if err != nil {
		tb.Fatal(err)
	}
	width := len([]rune(strings.SplitN(s, "\n", 2)[0])) - 2*qrimage.QuietZone
	return (width - 17) / 4
}

// TestReferenceSize: the reference identity credential with an ES256
// holder key, presented with a nonce and an audience, fits QR version 14 at
// level M (at most 520 characters).
func TestReferenceSize(t *testing.T) {
	w := newWorld(t, credential.ES256)
	for _, tc := range []struct {
		name string
		opts sign.Options
	}{
		{"no nonce, no audience", sign.Options{Now: at}},
		{"16-byte nonce, 20-character audience", sign.Options{Now: at, Nonce: bytes.Repeat([]byte{0xa5}, 16), Audience: "gate-7.metro.example"}},
	} {
		worst := 0
		for range 8 { // ES256 signatures vary; DEFLATE output with them
			cose := w.present(t, tc.opts)
			text, err := presentation.EncodeQR(cose)
			if err != nil {
				t.Fatal(err)
			}
			worst = max(worst, len(text))
			if v := qrVersion(t, text); len(text) > 520 || v > 14 {
				t.Errorf("%s: %d COSE bytes, %d QR characters, QR version %d; want at most 520 characters, version 14", tc.name, len(cose), len(text), v)
			}
		}
		t.Logf("%s: up to %d QR characters", tc.name, worst)
	}
}
