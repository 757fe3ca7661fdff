package sign_test

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

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/status"
)

var (
	edKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	kid   = []byte{1, 2, 3, 4, 5, 6, 7, 8}
	iat   = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
)

func claims() *credential.Claims {
	return &credential.Claims{
		IssuedAt: iat, Expiry: iat.AddDate(1, 0, 0),
		Type: 1, Version: 1, Level: credential.LevelSubstantial, Evidence: credential.EvidenceRemoteFaceMatch,
		Attributes: map[int64]any{1: "王小明"},
	}
}

func TestCredentialVerifies(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		alg    credential.Algorithm
		signer crypto.Signer
	}{
		{credential.EdDSA, edKey},
		{credential.ES256, ecKey},
	} {
		t.Run(string(tc.alg), func(t *testing.T) {
			b, err := sign.Credential(claims(), tc.alg, kid, tc.signer)
			if err != nil {
				t.Fatal(err)
			}
			s, err := credential.Parse(b)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := s.Verify(tc.alg, tc.signer.Public())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !got.Equal(claims()) {
				t.Fatalf("claims: got %+v, want %+v", got, claims())
			}
		})
	}
}

func TestCredentialRefuses(t *testing.T) {
	big := claims()
	big.Attributes[1] = strings.Repeat("x", credential.MaxSize)
	for _, tc := range []struct {
		name string
		c    *credential.Claims
		alg  credential.Algorithm
		kid  []byte
		want error
	}{
		{"no kid", claims(), credential.EdDSA, nil, credential.ErrInvalidClaims},
		{"kid too long", claims(), credential.EdDSA, make([]byte, credential.MaxKIDLen+1), credential.ErrInvalidClaims},
		{"ES256 with an Ed25519 key", claims(), credential.ES256, kid, credential.ErrAlgorithmMismatch},
		{"unknown algorithm", claims(), "RS256", kid, credential.ErrUnsupportedAlgorithm},
		{"too large", big, credential.EdDSA, kid, credential.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := sign.Credential(tc.c, tc.alg, tc.kid, edKey)
			if !errors.Is(err, tc.want) || b != nil {
				t.Fatalf("Credential: got %x, %v; want error %v", b, err, tc.want)
			}
		})
	}
}

func TestStatusTokenVerifies(t *testing.T) {
	l, _ := status.New(1024)
	l.Set(5, status.Revoked)
	b, err := sign.StatusToken(l, "https://id.example.cn/s/1", iat, time.Hour, time.Minute, credential.EdDSA, kid, edKey)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := status.ParseToken(b, func([]byte) (credential.Algorithm, crypto.PublicKey, bool) {
		return credential.EdDSA, edKey.Public(), true
	})
	if err != nil {
		t.Fatalf("ParseToken: %v", err)
	}
	if got, _ := tok.List.Get(5); got != status.Revoked {
		t.Fatalf("entry 5: got %s, want revoked", got)
	}
}
