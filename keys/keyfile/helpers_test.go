package keyfile

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

func init() {
	// PBKDF2 at DefaultPBES2Count takes a large fraction of a second; tests
	// only need the format.
	pbes2Count = 1000
}

func mustGenerate(tb testing.TB, alg credential.Algorithm) *keys.PrivateKey {
	tb.Helper()
	k, err := keys.Generate(alg)
	if err != nil {
		tb.Fatalf("Generate(%q): %v", alg, err)
	}
	return k
}

func mustJSON(tb testing.TB, v interface{ MarshalJSON() ([]byte, error) }) []byte {
	tb.Helper()
	data, err := v.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func wantErr(tb testing.TB, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v; want %v", err, want)
	}
}

func checkSameKey(tb testing.TB, got, want *keys.PublicKey) {
	tb.Helper()
	if got.Thumbprint() != want.Thumbprint() || !bytes.Equal(got.KID(), want.KID()) || got.Algorithm() != want.Algorithm() {
		tb.Errorf("got key %s (%s); want %s (%s)", got, got.Thumbprint(), want, want.Thumbprint())
	}
}

// checkSignature signs with k and verifies with pub.
func checkSignature(tb testing.TB, k *keys.PrivateKey, pub *keys.PublicKey) {
	tb.Helper()
	message := []byte("netcred")
	switch signer := k.Signer().(type) {
	case ed25519.PrivateKey:
		if !ed25519.Verify(pub.Key().(ed25519.PublicKey), message, ed25519.Sign(signer, message)) {
			tb.Fatal("ed25519 signature does not verify with the public key")
		}
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(message)
		sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			tb.Fatalf("ecdsa Sign: %v", err)
		}
		if !ecdsa.VerifyASN1(pub.Key().(*ecdsa.PublicKey), digest[:], sig) {
			tb.Fatal("ecdsa signature does not verify with the public key")
		}
	default:
		tb.Fatalf("Signer() is %T", signer)
	}
}
