package keys

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/netcred/netcred/credential"
)

func TestCOSEKeyRoundTrip(t *testing.T) {
	for _, alg := range testAlgorithms {
		for range 20 { // both signs of y
			pub := mustGenerate(t, alg).Public()
			b, err := pub.MarshalCOSEKey()
			if err != nil {
				t.Fatal(err)
			}
			want := map[credential.Algorithm]int{credential.EdDSA: 42, credential.ES256: 44}[alg]
			if len(b) != want {
				t.Fatalf("%s COSE_Key of %d bytes; want %d", alg, len(b), want)
			}
			got, err := ParseCOSEKey(b)
			if err != nil {
				t.Fatalf("ParseCOSEKey(%x): %v", b, err)
			}
			if got.Thumbprint() != pub.Thumbprint() || got.Algorithm() != alg {
				t.Fatalf("round trip: got %v; want %v", got, pub)
			}
		}
	}
}

func TestParseCOSEKeyRefuses(t *testing.T) {
	ks := seedKeys(t)
	ed, _ := ks[0].Public().MarshalCOSEKey()
	ec, _ := ks[1].Public().MarshalCOSEKey()
	x := ec[10:42]
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	flipSign := bytes.Clone(ec)
	flipSign[len(flipSign)-1] ^= 1 // still on the curve: the other y
	notOnCurve := bytes.Clone(ec)
	for i := 0; ; i++ { // about half of all x are on the curve
		notOnCurve[41] = byte(i)
		if _, err := ParseCOSEKey(notOnCurve); err != nil {
			break
		}
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"not a map", h("8101")},
		{"uncompressed y", cat(h("a5010203262001215820"), x, h("225820"), bytes.Repeat([]byte{1}, 32))},
		{"no y", cat(h("a4010203262001215820"), x)},
		{"no alg", cat(h("a40102200121582"+"0"), x, h("22f4"))},
		{"alg EdDSA on EC2", cat(h("a5010203272001215820"), x, h("22f4"))},
		{"crv Ed25519 on EC2", cat(h("a5010203262006215820"), x, h("22f4"))},
		{"kty OKP with P-256", cat(h("a5010103262001215820"), x, h("22f4"))},
		{"P-384 curve", cat(h("a5010203262002215820"), x, h("22f4"))},
		{"x of 31 bytes", cat(h("a501020326200121581f"), x[:31], h("22f4"))},
		{"x not on the curve", notOnCurve},
		{"kid member", cat(h("a60102024101"), ec[3:])},
		{"private d", cat(h("a6010203262001215820"), x, h("22f4235820"), x)},
		{"y as an integer", cat(h("a5010203262001215820"), x, h("2201"))},
		{"OKP with y", cat(ed[:1:1], ed[1:], h("22f4"))},
		{"Ed25519 identity point", cat(h("a4010103272006215820"), h("01"), make([]byte, 31))},
		{"Ed25519 non-canonical", cat(h("a4010103272006215820"), bytes.Repeat([]byte{0xff}, 31), h("7f"))},
		{"keys out of order", cat(h("a5030101022001215820"), x, h("22f4"))},
		{"trailing byte", cat(ec, h("00"))},
		{"text label", cat(h("a5616b02032620012158"+"20"), x, h("22f4"))},
		{"too large", make([]byte, 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseCOSEKey(tt.in)
			if err == nil || k != nil {
				t.Fatalf("ParseCOSEKey(%x) = %v, %v; want an error", tt.in, k, err)
			}
			if !errors.Is(err, ErrInvalidKey) || !errors.Is(err, credential.ErrCOSEKey) {
				t.Fatalf("error %v; want ErrInvalidKey and credential.ErrCOSEKey", err)
			}
		})
	}
	if _, err := ParseCOSEKey(flipSign); err != nil {
		t.Fatalf("the other sign of y is another valid point: %v", err)
	}
}

func FuzzParseCOSEKey(f *testing.F) {
	for _, k := range seedKeys(f) {
		b, _ := k.Public().MarshalCOSEKey()
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseCOSEKey(data)
		if err != nil {
			if k != nil {
				t.Fatal("key with an error")
			}
			return
		}
		b, err := k.MarshalCOSEKey()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("accepted %x, which encodes as %x: one key, one encoding", data, b)
		}
	})
}
