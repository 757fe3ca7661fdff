package main

import (
	"crypto/elliptic"
	"math/big"

	"github.com/netcred/netcred/internal/base45"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	psign "github.com/netcred/netcred/presentation/sign"
	"github.com/netcred/netcred/spec"
)

// Replay-cache vectors for the two forms of one presentation that a
// verifier must treat as the same (presentation.md §5, "Replay cache"): the
// key is over what the holder signed, so neither another encoding of the
// same bytes nor an ECDSA signature turned from s into n − s (valid without
// the key) passes a gate a second time.

func init() { RandomizedPresentationVectors["presentation_replayed_malleated_signature"] = true }

// replayVariantVectors returns the vectors; edCred and esCred are the
// credentials bound to ed and es, p the policy that requires binding.
func replayVariantVectors(g *gen, edCred, esCred []byte, ed, es *keys.PrivateKey, p spec.VectorPolicy) []spec.Vector {
	sign := func(cred []byte, k *keys.PrivateKey) []byte {
		b, err := psign.Present(cred, k.Algorithm(), k.Signer(), psign.Options{Now: presentAt})
		if err != nil {
			panic(err)
		}
		return b
	}
	edPres := sign(edCred, ed)
	// The presentation's bytes, base45 without DEFLATE: the other body
	// form of credential.md §6, which decoders accept as well.
	plain := presentation.QRPrefix + base45.Encode(edPres)
	if plain == presentationQR(edPres) {
		panic("vectorgen: the presentation's QR text is not deflated")
	}
	esPres := sign(esCred, es)
	malleated := append([]byte{}, esPres...)
	sig := malleated[len(malleated)-64:]
	n := elliptic.P256().Params().N
	s := new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:]))
	s.FillBytes(sig[32:])
	replayed := seenAs("presentation_replayed", "substantial", "identity")
	return []spec.Vector{
		{Name: "presentation_replayed_other_encoding", Comment: "the same presentation's bytes seen as deflated QR text, then shown as base45 without DEFLATE",
			Kind: spec.KindVerify, Input: plain, Seen: []string{presentationQR(edPres)}, Keys: g.trusted, Policy: p, Expect: replayed},
		{Name: "presentation_replayed_malleated_signature", Comment: "a P-256 presentation seen, then shown with its signature's s turned into n - s: a valid signature made without the key, the same presentation",
			Kind: spec.KindVerify, Input: presentationQR(malleated), Seen: []string{presentationQR(esPres)}, Keys: g.trusted, Policy: p, Expect: replayed},
	}
}
