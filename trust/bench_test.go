package trust

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/status"
)

// BenchmarkOpenStore loads a trust store with 100 issuer keys (10 issuers
// of 10 keys) and 20 status lists of 2^20 entries with 1% revoked: the
// bundle's signature and rules, every token's signature, and every list
// inflated. Target: under 200 ms.
func BenchmarkOpenStore(b *testing.B) {
	root, _ := keys.Generate(credential.EdDSA)
	rng := rand.New(rand.NewPCG(1, 2))
	trustBundle := &bundle.Bundle{Serial: 1, IssuedAt: fixedNow, NextUpdate: fixedNow.Add(7 * 24 * time.Hour)}
	var signers []*keys.PrivateKey
	for i := range 10 {
		iss := bundle.Issuer{ID: fmt.Sprintf("issuer-%d", i), Name: "bench"}
		for j := range 10 {
			k, _ := keys.Generate(credential.EdDSA)
			if j == 0 {
				signers = append(signers, k)
			}
			iss.Keys = append(iss.Keys, bundle.Key{Key: k.Public(), Authorization: bundle.Authorization{
				MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: fixedNow.Add(-time.Hour)}})
		}
		iss.StatusLists = []string{fmt.Sprintf("https://issuer-%d.example/s/1", i), fmt.Sprintf("https://issuer-%d.example/s/2", i)}
		trustBundle.Issuers = append(trustBundle.Issuers, iss)
	}
	jws, err := trustBundle.Sign(root)
	if err != nil {
		b.Fatal(err)
	}
	inputs := []Input{{Name: "bundle", Data: jws}}
	for i, iss := range trustBundle.Issuers {
		for _, uri := range iss.StatusLists {
			l, _ := status.New(status.DefaultSize)
			for range status.DefaultSize / 100 {
				l.Set(rng.Uint64N(status.DefaultSize), status.Revoked)
			}
			k := signers[i]
			tok, err := sign.StatusToken(l, uri, fixedNow, 48*time.Hour, time.Hour, k.Algorithm(), k.KID(), k.Signer())
			if err != nil {
				b.Fatal(err)
			}
			inputs = append(inputs, Input{Name: uri, Data: tok})
		}
	}
	dir := filepath.Join(b.TempDir(), "trust")
	if err := Init(dir, []string{root.Public().Thumbprint()}); err != nil {
		b.Fatal(err)
	}
	s, _ := Open(dir)
	if _, err := s.Import(inputs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if t, _ := s.Trust(); len(t.Lists) != 20 {
			b.Fatalf("%d lists loaded", len(t.Lists))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/open")
}
