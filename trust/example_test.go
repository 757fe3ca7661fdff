package trust_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/trust"
)

// A verifier deployer pins the root key, imports the root-signed bundle
// (trust import; Sync does the same over HTTP), and later opens the store
// to verify offline.
func Example() {
	root, _ := keys.Generate(credential.EdDSA)
	issuer, _ := keys.Generate(credential.EdDSA)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	b := &bundle.Bundle{Serial: 1, IssuedAt: now, NextUpdate: now.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{{ID: "id.example.cn", Name: "Identity authority",
			Keys: []bundle.Key{{Key: issuer.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelSubstantial, Types: []string{"identity"}, NotBefore: now}}}}}}
	jws, _ := b.Sign(root)

	tmp, _ := os.MkdirTemp("", "trust-example")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "store")
	if err := trust.Init(dir, []string{root.Public().Thumbprint()}); err != nil {
		fmt.Println(err)
		return
	}
	store, _ := trust.Open(dir)
	rep, err := store.Import([]trust.Input{{Name: "bundle.jws", Data: jws}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stored serial", rep.Bundle)

	// Later, offline: the verifier loads what the store holds.
	store, _ = trust.Open(dir)
	t, _ := store.Trust()
	fmt.Println("issuers:", len(t.Bundle.Issuers))
	// Output:
	// stored serial 1
	// issuers: 1
}
