package bundle_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"log"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

func ExampleBundle_Sign() {
	// The offline root key; here the Ed25519 key of RFC 8037 Appendix A.1.
	seed, _ := base64.RawURLEncoding.DecodeString("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
	root, err := keys.NewPrivateKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		log.Fatal(err)
	}
	issuerKey, err := keys.Generate(credential.EdDSA)
	if err != nil {
		log.Fatal(err)
	}
	issuedAt := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := &bundle.Bundle{
		Serial:     1,
		IssuedAt:   issuedAt,
		NextUpdate: issuedAt.AddDate(0, 0, 7),
		Issuers: []bundle.Issuer{{
			ID:   "id.gov.example",
			Name: "Example Civil Registry",
			Keys: []bundle.Key{{Key: issuerKey.Public(), Authorization: bundle.Authorization{
				MaxLevel:  credential.LevelSubstantial,
				Types:     []string{"identity"},
				NotBefore: issuedAt,
			}}},
			StatusLists: []string{"https://id.gov.example/s/1"},
		}},
	}
	signed, err := b.Sign(root)
	if err != nil {
		log.Fatal(err)
	}

	// A verifier pins the root's thumbprint and parses what it synced.
	pinned := []string{root.Public().Thumbprint()}
	trusted, signer, err := bundle.Parse(signed, pinned)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("serial", trusted.Serial, "signed by", signer.Thumbprint())

	// Is the key allowed to sign this credential?
	ref, ok := trusted.Key(issuerKey.KID())
	if !ok {
		log.Fatal("unknown key")
	}
	iat := issuedAt.Add(time.Hour)
	fmt.Println(ref.Issuer.ID, ref.Key.Check("identity", credential.LevelSubstantial, iat))
	fmt.Println(ref.Key.Check("identity", credential.LevelHigh, iat))
	// Output:
	// serial 1 signed by kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k
	// id.gov.example <nil>
	// bundle: key not authorized: key may sign up to substantial, credential is high
}
