package main

import (
	"bytes"
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
// the key) passes a gate a second time. Also a presentation whose kcwt
// holds no credential at all (presentation.md §3).

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
	notCOSE := bytes.Repeat([]byte{0x30}, 24) // 24 CBOR items (-17), no COSE_Sign1
	hdr := cat([]byte{0xa3, 0x01, 0x27, 0x0d}, notCOSE, []byte{0x10, 0x72}, []byte(presentation.Typ))
	return []spec.Vector{
		{Name: "malformed_presentation_credential_not_cose", Comment: "the bytes between label 13 and the typ are no COSE_Sign1: refused by the credential's own checks (§5 step 3)",
			Kind: spec.KindVerify, Input: presentationQR(assemble(hdr, []byte{0xa0}, encodeClaims(map[any]any{int64(3): "", int64(6): presentAt.Unix()}), make([]byte, 64))),
			Keys: g.trusted, Policy: p, Expect: bad("cose_structure")},
		{Name: "presentation_replayed_other_encoding", Comment: "the same presentation's bytes seen as deflated QR text, then shown as base45 without DEFLATE",
			Kind: spec.KindVerify, Input: plain, Seen: []string{presentationQR(edPres)}, Keys: g.trusted, Policy: p, Expect: replayed},
		{Name: "presentation_replayed_malleated_signature", Comment: "a P-256 presentation seen, then shown with its signature's s turned into n - s: a valid signature made without the key, the same presentation",
			Kind: spec.KindVerify, Input: presentationQR(malleated), Seen: []string{presentationQR(esPres)}, Keys: g.trusted, Policy: p, Expect: replayed},
	}
}
