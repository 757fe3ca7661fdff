package main

import (
	"bytes"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
)

// Holder binding vectors: the cnf claim (credential.md §4.6).

func init() { register(cnfVectors) }

// holderP256 and holderEd25519 are the holders' fixed device keys.
func holderP256() *keys.PrivateKey { return mustKey(keys.NewPrivateKey(fixedP256("holder-p256"))) }
func holderEd25519() *keys.PrivateKey {
	return mustKey(keys.NewPrivateKey(fixedEd25519("holder-ed25519")))
}

func mustKey(k *keys.PrivateKey, err error) *keys.PrivateKey {
	if err != nil {
		panic(err)
	}
	return k
}

// holderCnf is the cnf claim {1: COSE_Key} of k's public key.
func holderCnf(k *keys.PrivateKey) []byte {
	b, err := credential.MarshalConfirmation(k.Public().Key())
	if err != nil {
		panic(err)
	}
	return b
}

// cnfVectors pin the one form of cnf the profile accepts and the forms it
// refuses (malformed, claims_cnf).
func cnfVectors(g *gen) ([]spec.Vector, error) {
	signRaw := func(p []byte) string {
		b, err := sign.Payload(p, credential.TypCWT, credential.EdDSA, g.ed.KID(), g.ed.Signer())
		if err != nil {
			panic(err)
		}
		return qr(b)
	}
	withCnf := func(cnf []byte) string {
		m := refClaimsMap()
		m[int64(8)] = rawCBOR(cnf)
		return signRaw(encodeClaims(m))
	}
	ec := holderCnf(holderP256())
	key := ec[2:] // the COSE_Key
	x := key[10:42]
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	uncompressed := func() []byte {
		pub, _ := holderP256().Public().Key().(interface{ Bytes() ([]byte, error) }).Bytes()
		return cat([]byte{0xa1, 0x01, 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20}, pub[1:33], []byte{0x22, 0x58, 0x20}, pub[33:])
	}()
	notOnCurve := bytes.Clone(ec)
	for i := 0; ; i++ {
		notOnCurve[len(notOnCurve)-3] = byte(i)
		if _, _, err := credential.ParseConfirmation(notOnCurve); err != nil {
			break
		}
	}
	edBound := identity()
	edBound.Confirmation = holderCnf(holderEd25519())
	ok := func() spec.VectorExpect { return seenAs("valid", "substantial", "identity") }
	return []spec.Vector{
		g.plain("valid_cnf_ed25519_holder", "cnf holding an Ed25519 OKP COSE_Key: valid, possession not checked", qr(g.sign(edBound, g.ed)), ok()),
		g.plain("malformed_cnf_kid_only", "cnf {3: kid}: a key id cannot be resolved offline", withCnf([]byte{0xa1, 0x03, 0x48, 1, 2, 3, 4, 5, 6, 7, 8}), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_empty", "cnf {}", withCnf([]byte{0xa0}), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_two_members", "cnf {1: COSE_Key, 3: kid}", withCnf(cat([]byte{0xa2}, ec[1:], []byte{0x03, 0x41, 0x01})), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_uncompressed_point", "a P-256 COSE_Key with y as 32 bytes: the profile has only compressed points", withCnf(uncompressed), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_point_not_on_curve", "an x that is no P-256 point's", withCnf(notOnCurve), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_alg_mismatch", "an EC2 P-256 key with alg EdDSA", withCnf(cat([]byte{0xa1, 0x01, 0xa5, 0x01, 0x02, 0x03, 0x27}, key[5:])), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_no_alg", "a COSE_Key without alg", withCnf(cat([]byte{0xa1, 0x01, 0xa4, 0x01, 0x02}, key[5:])), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_private_key", "a COSE_Key with d (-4): private key material", withCnf(cat([]byte{0xa1, 0x01, 0xa6}, key[1:], []byte{0x23, 0x58, 0x20}, x)), bad(credential.ReasonClaimsCnf)),
		g.plain("malformed_cnf_kid_in_key", "a COSE_Key with a kid (2)", withCnf(cat([]byte{0xa1, 0x01, 0xa6, 0x01, 0x02, 0x02, 0x41, 0x01}, key[3:])), bad(credential.ReasonClaimsCnf)),
	}, nil
}

// rawCBOR is encoded verbatim by the vector's CBOR encoder.
type rawCBOR []byte

// MarshalCBOR implements cbor.Marshaler.
func (r rawCBOR) MarshalCBOR() ([]byte, error) { return r, nil }
