package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
)

// RFC 8037 Appendix A.1 (Ed25519 key) and A.3 (its SHA-256 thumbprint).
const (
	rfc8037D          = keytest.RFC8037D
	rfc8037X          = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	rfc8037Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
)

// RFC 7517 Appendix A.1 and A.2 (P-256 key).
const (
	rfc7517X = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4"
	rfc7517Y = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"
	rfc7517D = keytest.RFC7517D
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		alg     credential.Algorithm
		wantAlg credential.Algorithm
	}{
		{"default", "", credential.EdDSA},
		{"EdDSA", credential.EdDSA, credential.EdDSA},
		{"ES256", credential.ES256, credential.ES256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := mustGenerate(t, tt.alg)
			if got := k.Algorithm(); got != tt.wantAlg {
				t.Errorf("Algorithm() = %q; want %q", got, tt.wantAlg)
			}
			pub := k.Public()
			if got := pub.Algorithm(); got != tt.wantAlg {
				t.Errorf("Public().Algorithm() = %q; want %q", got, tt.wantAlg)
			}
			if got := len(k.KID()); got != KIDSize {
				t.Errorf("len(KID()) = %d; want %d", got, KIDSize)
			}
			if !bytes.Equal(k.KID(), pub.KID()) {
				t.Errorf("KID() = %x; Public().KID() = %x", k.KID(), pub.KID())
			}
			if got, want := pub.KIDString(), base64.RawURLEncoding.EncodeToString(pub.KID()); got != want {
				t.Errorf("KIDString() = %q; want %q", got, want)
			}
			derived, err := DeriveKID(pub.Key())
			if err != nil {
				t.Fatalf("DeriveKID: %v", err)
			}
			if !bytes.Equal(derived, pub.KID()) {
				t.Errorf("DeriveKID = %x; want %x", derived, pub.KID())
			}
			thumbprint, err := base64.RawURLEncoding.DecodeString(pub.Thumbprint())
			if err != nil || len(thumbprint) != sha256.Size {
				t.Fatalf("Thumbprint() = %q: not a base64url SHA-256 (%v)", pub.Thumbprint(), err)
			}
			if !bytes.Equal(thumbprint[:KIDSize], pub.KID()) {
				t.Errorf("thumbprint prefix %x; want kid %x", thumbprint[:KIDSize], pub.KID())
			}
			checkSignature(t, k, pub)
		})
	}
}

func TestGenerateUnsupported(t *testing.T) {
	for _, alg := range []credential.Algorithm{"none", "RS256", "ES384", "HS256", "eddsa", "ed25519"} {
		if _, err := Generate(alg); err == nil {
			t.Errorf("Generate(%q) succeeded; want ErrUnsupportedAlgorithm", alg)
		} else {
			wantErr(t, err, ErrUnsupportedAlgorithm)
		}
	}
}

func TestGenerateUsesParseAlgorithm(t *testing.T) {
	for _, name := range []string{"ed25519", "es256", "p256"} {
		alg, err := credential.ParseAlgorithm(name)
		if err != nil {
			t.Fatalf("ParseAlgorithm(%q): %v", name, err)
		}
		if got := mustGenerate(t, alg).Algorithm(); got != alg {
			t.Errorf("Generate(ParseAlgorithm(%q)).Algorithm() = %q; want %q", name, got, alg)
		}
	}
}

// TestThumbprintVectors checks thumbprints against RFC 8037 A.3 and against
// an independent computation of the RFC 7638 canonical form.
func TestThumbprintVectors(t *testing.T) {
	edKey, err := NewPrivateKey(ed25519.NewKeyFromSeed(decodeB64(t, rfc8037D)))
	if err != nil {
		t.Fatal(err)
	}
	p256, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), decodeB64(t, rfc7517D))
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := NewPrivateKey(p256)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		key       *PublicKey
		canonical string
	}{
		{"Ed25519 RFC 8037", edKey.Public(), `{"crv":"Ed25519","kty":"OKP","x":"` + rfc8037X + `"}`},
		{"P-256 RFC 7517", ecKey.Public(), `{"crv":"P-256","kty":"EC","x":"` + rfc7517X + `","y":"` + rfc7517Y + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := sha256.Sum256([]byte(tt.canonical))
			want := base64.RawURLEncoding.EncodeToString(sum[:])
			if got := tt.key.Thumbprint(); got != want {
				t.Errorf("Thumbprint() = %q; want %q", got, want)
			}
			if got, want := tt.key.KIDString(), base64.RawURLEncoding.EncodeToString(sum[:KIDSize]); got != want {
				t.Errorf("KIDString() = %q; want %q", got, want)
			}
		})
	}
	if got := edKey.Public().Thumbprint(); got != rfc8037Thumbprint {
		t.Errorf("RFC 8037 A.3 thumbprint = %q; want %q", got, rfc8037Thumbprint)
	}
}

func TestThumbprintStable(t *testing.T) {
	for _, alg := range testAlgorithms {
		k := mustGenerate(t, alg)
		data, err := k.Public().MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			parsed, err := ParsePublicJWK(data)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := parsed.Thumbprint(), k.Public().Thumbprint(); got != want {
				t.Errorf("%s: thumbprint after parse = %q; want %q", alg, got, want)
			}
		}
	}
}

func TestNewPrivateKeyRejects(t *testing.T) {
	edKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	wrongHalf := ed25519.PrivateKey(bytes.Clone(edKey))
	wrongHalf[ed25519.PrivateKeySize-1] ^= 1

	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256a := mustGenerate(t, credential.ES256).Signer().(*ecdsa.PrivateKey)
	p256b := mustGenerate(t, credential.ES256).Signer().(*ecdsa.PrivateKey)
	mismatched := &ecdsa.PrivateKey{PublicKey: p256a.PublicKey, D: p256b.D}
	zeroScalar := &ecdsa.PrivateKey{PublicKey: p256a.PublicKey, D: new(big.Int)}
	orderScalar := &ecdsa.PrivateKey{PublicKey: p256a.PublicKey, D: elliptic.P256().Params().N}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		signer crypto.Signer
		want   error
	}{
		{"ed25519 short", edKey[:40], ErrInvalidKey},
		{"ed25519 public half does not match seed", wrongHalf, ErrInvalidKey},
		{"ecdsa P-384", p384, ErrUnsupportedKeyType},
		{"ecdsa scalar of another key", mismatched, ErrInvalidKey},
		{"ecdsa zero scalar", zeroScalar, ErrInvalidKey},
		{"ecdsa scalar equal to the order", orderScalar, ErrInvalidKey},
		{"ecdsa nil scalar", &ecdsa.PrivateKey{PublicKey: p256a.PublicKey}, ErrInvalidKey},
		{"ecdsa nil", (*ecdsa.PrivateKey)(nil), ErrInvalidKey},
		{"rsa", rsaKey, ErrUnsupportedKeyType},
		{"nil", nil, ErrUnsupportedKeyType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewPrivateKey(tt.signer)
			if k != nil {
				t.Errorf("got key %v; want nil", k)
			}
			wantErr(t, err, tt.want)
		})
	}
}

func TestNewPublicKeyRejects(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256 := mustGenerate(t, credential.ES256).Public().Key().(*ecdsa.PublicKey)
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: p256.X, Y: new(big.Int).Add(p256.Y, big.NewInt(1))}
	infinity := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int), Y: new(big.Int)}
	// The encoding of the Ed25519 identity point, a low-order point.
	identity := make(ed25519.PublicKey, ed25519.PublicKeySize)
	identity[0] = 1

	tests := []struct {
		name string
		pub  crypto.PublicKey
		want error
	}{
		{"ed25519 short", make(ed25519.PublicKey, 31), ErrInvalidKey},
		{"ed25519 low order", identity, ErrInvalidKey},
		{"ecdsa P-384", &p384.PublicKey, ErrUnsupportedKeyType},
		{"ecdsa off curve", offCurve, ErrInvalidKey},
		{"ecdsa point at infinity", infinity, ErrInvalidKey},
		{"ecdsa nil coordinates", &ecdsa.PublicKey{Curve: elliptic.P256()}, ErrInvalidKey},
		{"raw bytes", []byte{1, 2, 3}, ErrUnsupportedKeyType},
		{"ed25519 private key", ed25519.NewKeyFromSeed(make([]byte, 32)), ErrUnsupportedKeyType},
		{"nil", nil, ErrUnsupportedKeyType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewPublicKey(tt.pub)
			if k != nil {
				t.Errorf("got key %v; want nil", k)
			}
			wantErr(t, err, tt.want)
			if _, err := DeriveKID(tt.pub); !errors.Is(err, tt.want) {
				t.Errorf("DeriveKID: got error %v; want %v", err, tt.want)
			}
		})
	}
}

func TestKIDIsACopy(t *testing.T) {
	k := mustGenerate(t, credential.EdDSA)
	kid := k.KID()
	kid[0] ^= 0xff
	if bytes.Equal(k.KID(), kid) {
		t.Error("modifying the result of KID() changed the key's kid")
	}
}

func TestPrivateKeyDoesNotPrintSecret(t *testing.T) {
	k := mustGenerate(t, credential.EdDSA)
	d := jwkMap(t, mustJSON(t, k))["d"].(string)
	seed := k.Signer().(ed25519.PrivateKey).Seed()
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("loaded", "key", k)
	want := "EdDSA private key " + k.Public().KIDString()
	for _, out := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), logged.String()} {
		if strings.Contains(out, d) || strings.Contains(out, fmt.Sprint(seed)) || strings.Contains(out, fmt.Sprintf("%x", seed)) {
			t.Errorf("output %q contains the private key", out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("output %q does not contain %q", out, want)
		}
	}
	if got, want := k.Public().String(), "EdDSA public key "+k.Public().KIDString(); got != want {
		t.Errorf("PublicKey.String() = %q; want %q", got, want)
	}
}
