package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/cosesign"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/veraison/go-cose"
)

// testKey is a fixed Ed25519 key so sizes and vectors are reproducible.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))

var testKID = []byte{1, 2, 3, 4, 5, 6, 7, 8}

// referenceClaims is the reference identity credential of the size target:
// a three-character CJK name, an id_number, birth_date, level substantial,
// one year of validity and a status reference.
func referenceClaims() *Claims {
	iat := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return &Claims{
		IssuedAt: iat,
		Expiry:   iat.AddDate(1, 0, 0),
		Status:   &StatusRef{Index: 734512, URI: "https://id.gov.cn/s/3"},
		Type:     1,
		Version:  1,
		Level:    LevelSubstantial,
		Evidence: EvidenceRemoteFaceMatch,
		Attributes: map[int64]any{
			1: "王小明",
			2: "11010519491231002X",
			3: int64(-7306), // 1949-12-31
		},
	}
}

// signTB signs c with go-cose (credential/sign cannot be imported here:
// it imports this package).
func signTB(tb testing.TB, c *Claims, alg Algorithm, signer crypto.Signer) []byte {
	tb.Helper()
	payload, err := c.MarshalCBOR()
	if err != nil {
		tb.Fatalf("MarshalCBOR: %v", err)
	}
	coseAlg, err := alg.COSE()
	if err != nil {
		tb.Fatal(err)
	}
	b, err := cosesign.Sign1(payload, coseAlg, testKID, TypCWT.Format, signer)
	if err != nil {
		tb.Fatalf("Sign1: %v", err)
	}
	return b
}

func TestSignVerifyRoundTrip(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		alg    Algorithm
		signer crypto.Signer
		pub    crypto.PublicKey
	}{
		{EdDSA, testKey, testKey.Public()},
		{ES256, ecKey, &ecKey.PublicKey},
	} {
		t.Run(string(tc.alg), func(t *testing.T) {
			want := referenceClaims()
			cose := signTB(t, want, tc.alg, tc.signer)
			text, err := EncodeQR(cose)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeQR(text)
			if err != nil {
				t.Fatalf("DecodeQR: %v", err)
			}
			if !bytes.Equal(back, cose) {
				t.Fatalf("DecodeQR(EncodeQR(x)) != x")
			}
			s, err := Parse(back)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Algorithm() != tc.alg || !bytes.Equal(s.KID(), testKID) {
				t.Fatalf("header: got %s %x, want %s %x", s.Algorithm(), s.KID(), tc.alg, testKID)
			}
			got, err := s.Verify(tc.alg, tc.pub)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !got.Equal(want) {
				t.Fatalf("claims differ after round trip: got %+v, want %+v", got, want)
			}
		})
	}
}

// TestAgreesWithGoCOSE checks the lean verifier against go-cose, the
// reference: both accept what we sign and both refuse a tampered payload.
func TestAgreesWithGoCOSE(t *testing.T) {
	data := signTB(t, referenceClaims(), EdDSA, testKey)
	verifier, err := cose.NewVerifier(cose.AlgorithmEdDSA, testKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		data  []byte
		valid bool
	}{
		{"as signed", data, true},
		{"payload byte flipped", flipPayloadByte(t, data), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var msg cose.Sign1Message
			refErr := msg.UnmarshalCBOR(tc.data)
			if refErr == nil {
				refErr = msg.Verify(nil, verifier)
			}
			s, err := Parse(tc.data)
			if err == nil {
				err = s.VerifySignature(EdDSA, testKey.Public())
			}
			if (refErr == nil) != tc.valid || (err == nil) != tc.valid {
				t.Fatalf("go-cose: %v, ours: %v, want valid=%v", refErr, err, tc.valid)
			}
		})
	}
}

// flipPayloadByte changes the last byte of the payload (the last
// attribute's value), keeping the CBOR well formed.
func flipPayloadByte(tb testing.TB, data []byte) []byte {
	tb.Helper()
	s, err := Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	out := bytes.Clone(data)
	i := bytes.Index(out, s.payload) + len(s.payload) - 1
	out[i] ^= 0x01
	return out
}

func TestParseRefuses(t *testing.T) {
	good := signTB(t, referenceClaims(), EdDSA, testKey)
	s, err := Parse(good)
	if err != nil {
		t.Fatal(err)
	}
	// build re-assembles a COSE_Sign1 from parts, to forge headers.
	build := func(protected []byte, unprotected []byte, payload, sig []byte) []byte {
		out := []byte{0xd2, 0x84}
		out = appendBstrHead(out, len(protected))
		out = append(out, protected...)
		out = append(out, unprotected...)
		out = appendBstrHead(out, len(payload))
		out = append(out, payload...)
		out = appendBstrHead(out, len(sig))
		return append(out, sig...)
	}
	kidPart := append([]byte{0x04, 0x48}, testKID...)
	hdr := func(parts ...[]byte) []byte {
		out := []byte{0xa0 | byte(len(parts))}
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	algEdDSA := []byte{0x01, 0x27}
	typ := []byte{0x10, 0x18, 0x3d}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"untagged", good[1:], ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"trailing byte", append(bytes.Clone(good), 0), ErrMalformed},
		{"too large", append(bytes.Clone(good), make([]byte, MaxSize)...), ErrTooLarge},
		{"signature stripped", build(s.protected, []byte{0xa0}, s.payload, nil), ErrSignatureInvalid},
		{"signature truncated", build(s.protected, []byte{0xa0}, s.payload, s.signature[:63]), ErrSignatureInvalid},
		{"detached payload", append(append(append([]byte{0xd2, 0x84}, appendBstrHead(nil, len(s.protected))...), s.protected...), 0xa0, 0xf6, 0x40), ErrMalformed},
		{"unprotected kid", build(s.protected, append([]byte{0xa1, 0x04, 0x48}, testKID...), s.payload, s.signature), ErrMalformed},
		{"alg missing", build(hdr(kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrAlgorithmNotAllowed},
		{"alg none as text", build(hdr([]byte{0x01, 0x64, 'n', 'o', 'n', 'e'}, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrAlgorithmNotAllowed},
		{"alg HS256", build(hdr([]byte{0x01, 0x05}, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrAlgorithmNotAllowed},
		{"alg ES384", build(hdr([]byte{0x01, 0x38, 0x22}, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrAlgorithmNotAllowed},
		{"kid missing", build(hdr(algEdDSA, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"typ missing", build(hdr(algEdDSA, kidPart), []byte{0xa0}, s.payload, s.signature), ErrWrongType},
		{"crit", build(hdr(algEdDSA, []byte{0x02, 0x81, 0x01}, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"unknown header label", build(hdr(algEdDSA, kidPart, []byte{0x05, 0x41, 0x00}, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"duplicate header label", build(hdr(algEdDSA, algEdDSA, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"header keys out of order", build(hdr(kidPart, algEdDSA, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"non-shortest int", build(hdr([]byte{0x01, 0x38, 0x07}, kidPart, typ), []byte{0xa0}, s.payload, s.signature), ErrMalformed},
		{"indefinite array", append([]byte{0xd2, 0x9f}, append(good[2:], 0xff)...), ErrMalformed},
		{"deep nesting", append([]byte{0xd2}, bytes.Repeat([]byte{0x81}, 100)...), ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse: got error %v, want %v", err, tc.want)
			}
			if got != nil {
				t.Fatalf("Parse returned a message with an error")
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	good := signTB(t, referenceClaims(), EdDSA, testKey)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	resigned := signTB(t, referenceClaims(), EdDSA, other) // same kid, another key
	for _, tc := range []struct {
		name string
		data []byte
		alg  Algorithm
		pub  crypto.PublicKey
		want error
	}{
		{"tampered payload", flipPayloadByte(t, good), EdDSA, testKey.Public(), ErrSignatureInvalid},
		{"re-signed by another key", resigned, EdDSA, testKey.Public(), ErrSignatureInvalid},
		{"key bound to ES256", good, ES256, &ecKey.PublicKey, ErrAlgorithmMismatch},
		{"EdDSA with a P-256 key", good, EdDSA, &ecKey.PublicKey, ErrAlgorithmMismatch},
		{"short ed25519 key", good, EdDSA, ed25519.PublicKey{1, 2, 3}, ErrAlgorithmMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.Verify(tc.alg, tc.pub)
			if !errors.Is(err, tc.want) || c != nil {
				t.Fatalf("Verify: got %v, %v; want error %v", c, err, tc.want)
			}
		})
	}
}

func TestClaimsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*Claims)
	}{
		{"no iat", func(c *Claims) { c.IssuedAt = time.Time{} }},
		{"exp before iat", func(c *Claims) { c.Expiry = c.IssuedAt.Add(-time.Second) }},
		{"no type", func(c *Claims) { c.Type = 0 }},
		{"bad level", func(c *Claims) { c.Level = 4 }},
		{"bad evidence", func(c *Claims) { c.Evidence = 9 }},
		{"status without uri", func(c *Claims) { c.Status.URI = "" }},
		{"float attribute", func(c *Claims) { c.Attributes[9] = 1.5 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := referenceClaims()
			tc.modify(c)
			if b, err := c.MarshalCBOR(); err == nil {
				t.Fatalf("MarshalCBOR accepted %x", b)
			}
		})
	}
}

func TestDecodeQRRefuses(t *testing.T) {
	good, err := EncodeQR(signTB(t, referenceClaims(), EdDSA, testKey))
	if err != nil {
		t.Fatal(err)
	}
	bomb := deflateTB(t, make([]byte, 1<<20))
	for _, tc := range []struct {
		name string
		text string
		want error
	}{
		{"no prefix", strings.TrimPrefix(good, QRPrefix), ErrMalformed},
		{"EU DCC prefix", "HC1:" + strings.TrimPrefix(good, QRPrefix), ErrMalformed},
		{"lowercase base45", strings.ToLower(good), ErrMalformed},
		{"truncated", good[:len(good)-3], ErrMalformed},
		{"empty payload", QRPrefix, ErrMalformed},
		{"zip bomb", QRPrefix + b45(bomb), ErrTooLarge},
		{"deflate of non-COSE", QRPrefix + b45(deflateTB(t, []byte("hello world hello world"))), ErrMalformed},
		{"deflate with trailing bytes", QRPrefix + b45(append(deflateTB(t, []byte{0xd2, 1, 2, 3}), 0)), ErrMalformed},
		{"huge text", QRPrefix + strings.Repeat("0", MaxQRTextLen), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeQR(tc.text)
			if !errors.Is(err, tc.want) || got != nil {
				t.Fatalf("DecodeQR: got %x, %v; want error %v", got, err, tc.want)
			}
		})
	}
}

func TestEncodeQRCompressesOnlyWhenItPays(t *testing.T) {
	cose := signTB(t, referenceClaims(), EdDSA, testKey)
	text, err := EncodeQR(cose)
	if err != nil {
		t.Fatal(err)
	}
	plain := QRPrefix + b45(cose)
	if len(text) >= len(plain) {
		t.Fatalf("reference credential: compressed text %d chars, plain %d: compression should pay", len(text), len(plain))
	}
}

// TestNestedByteStringKeyRoundTrip: an attribute holding a map with a byte
// string key decodes (strictcbor.Value) and re-encodes to the same bytes,
// the key a byte string again.
func TestNestedByteStringKeyRoundTrip(t *testing.T) {
	c := referenceClaims()
	c.Attributes = map[int64]any{1: "x", 9: map[any]any{cbor.ByteString("\x01"): "v", "t": []any{uint64(1)}}}
	b, err := c.MarshalCBOR()
	if err != nil {
		t.Fatalf("MarshalCBOR: %v", err)
	}
	var back Claims
	if err := back.UnmarshalCBOR(b); err != nil {
		t.Fatalf("UnmarshalCBOR: %v", err)
	}
	m, ok := back.Attributes[9].(map[any]any)
	if !ok {
		t.Fatalf("attribute 9 is %T; want map[any]any", back.Attributes[9])
	}
	if got := m[strictcbor.ByteString("\x01")]; got != "v" {
		t.Errorf("byte-string key reads %v; want %q", got, "v")
	}
	again, err := back.MarshalCBOR()
	if err != nil {
		t.Fatalf("MarshalCBOR after decoding: %v", err)
	}
	if !bytes.Equal(again, b) {
		t.Errorf("re-encoded %x; want %x", again, b)
	}
}
