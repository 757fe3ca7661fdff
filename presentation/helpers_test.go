package presentation_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/netcred/netcred/credential"
	credsign "github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/presentation/sign"
)

// at is the issuance time of the test credentials.
var at = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func fixedKey(tb testing.TB, label string, alg credential.Algorithm) *keys.PrivateKey {
	tb.Helper()
	seed := sha256.Sum256([]byte("netcred presentation test key: " + label))
	var k *keys.PrivateKey
	var err error
	if alg == credential.EdDSA {
		k, err = keys.NewPrivateKey(ed25519.NewKeyFromSeed(seed[:]))
	} else {
		var ec *ecdsa.PrivateKey
		if ec, err = ecdsa.ParseRawPrivateKey(elliptic.P256(), seed[:]); err == nil {
			k, err = keys.NewPrivateKey(ec)
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// referenceClaims are the reference identity credential's (credential.md
// §10), bound to holder.
func referenceClaims(tb testing.TB, holder *keys.PublicKey) *credential.Claims {
	tb.Helper()
	c := &credential.Claims{
		IssuedAt: at,
		Expiry:   at.AddDate(1, 0, 0),
		Status:   &credential.StatusRef{Index: 734512, URI: "https://id.gov.cn/s/3"},
		Type:     1, Version: 1,
		Level: credential.LevelSubstantial, Evidence: credential.EvidenceRemoteFaceMatch,
		Attributes: map[int64]any{1: "王小明", 2: "11010519491231002X", 3: int64(-7306)},
	}
	if holder != nil {
		cnf, err := credential.MarshalConfirmation(holder.Key())
		if err != nil {
			tb.Fatal(err)
		}
		c.Confirmation = cnf
	}
	return c
}

type world struct {
	issuer, holder, other *keys.PrivateKey
	cred                  []byte
}

func newWorld(tb testing.TB, holderAlg credential.Algorithm) *world {
	tb.Helper()
	w := &world{
		issuer: fixedKey(tb, "issuer", credential.EdDSA),
		holder: fixedKey(tb, "holder", holderAlg),
		other:  fixedKey(tb, "other", holderAlg),
	}
	var err error
	w.cred, err = credsign.Credential(referenceClaims(tb, w.holder.Public()), w.issuer.Algorithm(), w.issuer.KID(), w.issuer.Signer())
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func (w *world) present(tb testing.TB, opts sign.Options) []byte {
	tb.Helper()
	p, err := sign.Present(w.cred, w.holder.Algorithm(), w.holder.Signer(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func holderVerifyKey(tb testing.TB, k *keys.PrivateKey) *credential.VerifyKey {
	tb.Helper()
	vk, err := credential.NewVerifyKey(k.Algorithm(), k.Public().Key())
	if err != nil {
		tb.Fatal(err)
	}
	return vk
}

var _ = presentation.Parse

// credsignBare signs the reference credential without cnf.
func credsignBare(tb testing.TB, w *world) ([]byte, error) {
	return credsign.Credential(referenceClaims(tb, nil), w.issuer.Algorithm(), w.issuer.KID(), w.issuer.Signer())
}
