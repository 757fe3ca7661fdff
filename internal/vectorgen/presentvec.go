package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	psign "github.com/netcred/netcred/presentation/sign"
	"github.com/netcred/netcred/spec"
	"github.com/veraison/go-cose"
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

// Presentation vectors (presentation.md §7), written to
// spec/vectors/presentation.

// presentAt is the verification time of the presentation vectors.
var presentAt = iat.Add(time.Hour)

// RandomizedPresentationVectors are signed by the ES256 holder key: their
// bytes change on every run, never their meaning.
var RandomizedPresentationVectors = map[string]bool{"valid_presentation_es256_holder": true, "presentation_signature_invalid_es256_other_key": true}

// GeneratePresentation builds the presentation vectors.
func GeneratePresentation() ([]spec.Vector, error) {
	g, err := newGen()
	if err != nil {
		return nil, err
	}
	ed, es := holderEd25519(), holderP256()
	attacker := mustKey(keys.NewPrivateKey(fixedEd25519("holder-attacker-ed25519")))
	esAttacker := mustKey(keys.NewPrivateKey(fixedP256("holder-attacker-p256")))
	bound := func(k *keys.PrivateKey) []byte {
		c := identity()
		c.Confirmation = holderCnf(k)
		return g.sign(c, g.ed)
	}
	edCred, esCred := bound(ed), bound(es)
	unbound := g.sign(identity(), g.ed)
	forged := bytes.Clone(edCred)
	forged[len(forged)-1] ^= 1
	present := func(cred []byte, k *keys.PrivateKey, at time.Time, nonce []byte, aud string) string {
		b, err := psign.Present(cred, k.Algorithm(), k.Signer(), psign.Options{Now: at, Nonce: nonce, Audience: aud})
		if err != nil {
			panic(err)
		}
		text, err := presentation.EncodeQR(b)
		if err != nil {
			panic(err)
		}
		return text
	}
	// raw signs a presentation without psign's checks: protected is the
	// header's content, claims the payload.
	raw := func(protected, unprotected, payload []byte, k *keys.PrivateKey) string {
		var sigStruct []byte
		sigStruct = append(sigStruct, 0x84, 0x6a)
		sigStruct = append(sigStruct, "Signature1"...)
		sigStruct = appendBstr(sigStruct, protected)
		sigStruct = append(sigStruct, 0x40)
		sigStruct = appendBstr(sigStruct, payload)
		sig := ed25519.Sign(k.Signer().(ed25519.PrivateKey), sigStruct)
		return presentationQR(assemble(protected, unprotected, payload, sig))
	}
	header := func(cred []byte) []byte {
		return cat([]byte{0xa3, 0x01, 0x27, 0x0d}, cred, []byte{0x10, 0x72}, []byte(presentation.Typ))
	}
	claims := func(m map[any]any) []byte { return encodeClaims(m) }
	live := map[any]any{int64(3): "", int64(6): presentAt.Unix()}
	with := func(extra map[any]any) map[any]any {
		m := map[any]any{}
		for k, v := range live {
			m[k] = v
		}
		for k, v := range extra {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	nonce := []byte("n-4711")
	pol := func(mod func(p *spec.VectorPolicy)) spec.VectorPolicy {
		p := spec.VectorPolicy{At: presentAt.Format(time.RFC3339), RequireHolderBinding: true}
		if mod != nil {
			mod(&p)
		}
		return p
	}
	withNonce := pol(func(p *spec.VectorPolicy) { p.Nonce = hex.EncodeToString(nonce) })
	withAud := pol(func(p *spec.VectorPolicy) { p.Audience = "gate-7" })
	notRequired := pol(func(p *spec.VectorPolicy) { p.RequireHolderBinding = false })
	ok := seenAs("valid", "substantial", "identity")
	seenCode := func(c string) spec.VectorExpect { return seenAs(c, "substantial", "identity") }
	v := func(name, comment, input string, p spec.VectorPolicy, e spec.VectorExpect) spec.Vector {
		return spec.Vector{Name: name, Comment: comment, Kind: spec.KindVerify, Input: input, Keys: g.trusted, Policy: p, Expect: e}
	}
	liveEd := present(edCred, ed, presentAt, nil, "")
	vs := []spec.Vector{
		v("valid_presentation", "a live presentation by the Ed25519 holder key, no nonce, no audience; holder binding required", liveEd, pol(nil), ok),
		v("valid_presentation_es256_holder", "a live presentation by the P-256 holder key (the phone's secure element)", present(esCred, es, presentAt, nil, ""), pol(nil), ok),
		v("valid_presentation_nonce_audience", "the verifier's nonce and audience, both carried", present(edCred, ed, presentAt, nonce, "gate-7"),
			pol(func(p *spec.VectorPolicy) { p.Nonce, p.Audience = hex.EncodeToString(nonce), "gate-7" }), ok),
		v("valid_presentation_not_required", "a presentation to a verifier that does not require binding: checked all the same, no warning", liveEd, notRequired, ok),
		v("valid_presentation_skew_ahead", "iat 5 seconds ahead: within the default presentation skew", present(edCred, ed, presentAt.Add(5*time.Second), nil, ""), pol(nil), ok),
		v("valid_presentation_window_end", "iat 65 seconds ago: the default 60 seconds plus 5 of skew", present(edCred, ed, presentAt.Add(-65*time.Second), nil, ""), pol(nil), ok),
		v("valid_presentation_longer_window", "iat 2 minutes ago under a 3-minute maximum age", present(edCred, ed, presentAt.Add(-2*time.Minute), nil, ""),
			pol(func(p *spec.VectorPolicy) { p.MaxPresentationAge = "3m" }), ok),
		v("holder_binding_missing_bare", "the credential with cnf shown bare to a verifier that requires binding", qr(edCred), pol(nil), seenCode("holder_binding_missing")),
		v("holder_binding_missing_no_cnf", "a presentation of a credential without cnf", raw(header(unbound), []byte{0xa0}, claims(live), ed), pol(nil), seenCode("holder_binding_missing")),
		v("holder_binding_missing_bare_no_cnf", "a credential without cnf shown bare to a verifier that requires binding", qr(unbound), pol(nil), seenCode("holder_binding_missing")),
		v("presentation_signature_invalid_other_key", "signed by another Ed25519 key than the cnf's", raw(header(edCred), []byte{0xa0}, claims(live), attacker), pol(nil), seenCode("presentation_signature_invalid")),
		v("presentation_signature_invalid_es256_other_key", "signed by another P-256 key than the cnf's", rawES(g, esCred, esAttacker, claims(live)), pol(nil), seenCode("presentation_signature_invalid")),
		v("presentation_signature_invalid_alg", "header alg ES256 over a credential whose cnf is Ed25519", raw(cat([]byte{0xa3, 0x01, 0x26, 0x0d}, edCred, []byte{0x10, 0x72}, []byte(presentation.Typ)), []byte{0xa0}, claims(live), ed), pol(nil), seenCode("presentation_signature_invalid")),
		v("presentation_signature_invalid_short", "a 63-byte signature (§3 i)", presentationQR(assemble(header(edCred), []byte{0xa0}, claims(live), make([]byte, 63))), pol(nil), code("presentation_signature_invalid")),
		v("presentation_signature_invalid_tampered", "the presentation's iat changed after signing", tamperPayload(liveEd), pol(nil), seenCode("presentation_signature_invalid")),
		v("signature_invalid_credential_in_presentation", "a valid holder signature over a credential whose issuer signature fails", raw(header(forged), []byte{0xa0}, claims(live), ed), pol(nil), code("signature_invalid")),
		v("presentation_stale", "iat 66 seconds ago: past 60 seconds plus 5 of skew", present(edCred, ed, presentAt.Add(-66*time.Second), nil, ""), pol(nil), seenCode("presentation_stale")),
		v("presentation_stale_screenshot", "a screenshot replayed 2 minutes later", present(edCred, ed, presentAt.Add(-2*time.Minute), nil, ""), pol(nil), seenCode("presentation_stale")),
		v("presentation_future", "iat 6 seconds ahead: past the 5 seconds of skew", present(edCred, ed, presentAt.Add(6*time.Second), nil, ""), pol(nil), seenCode("presentation_future")),
		v("presentation_future_no_skew", "iat 1 second ahead with presentation skew 0", present(edCred, ed, presentAt.Add(time.Second), nil, ""),
			pol(func(p *spec.VectorPolicy) { p.PresentationSkew = "0s" }), seenCode("presentation_future")),
		v("nonce_mismatch", "the presentation carries another nonce than the verifier's: a replay", present(edCred, ed, presentAt, []byte("n-4710"), ""), withNonce, seenCode("nonce_mismatch")),
		v("nonce_mismatch_missing", "the verifier showed a nonce, the presentation carries none", liveEd, withNonce, seenCode("nonce_mismatch")),
		v("nonce_mismatch_not_shown", "the presentation carries a nonce the verifier did not show", present(edCred, ed, presentAt, nonce, ""), pol(nil), seenCode("nonce_mismatch")),
		v("audience_mismatch", "the presentation is for another verifier", present(edCred, ed, presentAt, nil, "hotel-desk"), withAud, seenCode("audience_mismatch")),
		v("audience_mismatch_none_shown", "an audience where the verifier shows none", present(edCred, ed, presentAt, nil, "hotel-desk"), pol(nil), seenCode("audience_mismatch")),
		v("audience_mismatch_none_given", "no audience where the verifier shows one", liveEd, withAud, seenCode("audience_mismatch")),
		{Name: "presentation_replayed", Comment: "the same presentation shown twice to a verifier with a replay cache", Kind: spec.KindVerify,
			Input: liveEd, Seen: []string{liveEd}, Keys: g.trusted, Policy: pol(nil), Expect: seenCode("presentation_replayed")},
		v("expired_in_presentation", "a live presentation of an expired credential", present(edCred, ed, iat.AddDate(2, 0, 0), nil, ""),
			pol(func(p *spec.VectorPolicy) { p.At = iat.AddDate(2, 0, 0).Format(time.RFC3339) }), seenAs("expired", "substantial", "")),
		v("malformed_presentation_typ", "typ application/cwt instead of application/kb+cwt", raw(cat([]byte{0xa3, 0x01, 0x27, 0x0d}, edCred, []byte{0x10, 0x18, 0x3d}), []byte{0xa0}, claims(live), ed), pol(nil), bad(presentation.ReasonHeader)),
		v("malformed_presentation_kid", "a kid in the protected header beside alg, kcwt and typ", raw(cat([]byte{0xa4, 0x01, 0x27, 0x04, 0x41, 0x01, 0x0d}, edCred, []byte{0x10, 0x72}, []byte(presentation.Typ)), []byte{0xa0}, claims(live), ed), pol(nil), bad(presentation.ReasonHeader)),
		v("malformed_presentation_unprotected", "a kid in the unprotected header", raw(header(edCred), []byte{0xa1, 0x04, 0x41, 0x01}, claims(live), ed), pol(nil), bad(credential.ReasonCOSEUnprotected)),
		v("alg_not_allowed_presentation", "presentation alg \"none\"", raw(cat([]byte{0xa3, 0x01, 0x64}, []byte("none"), []byte{0x0d}, edCred, []byte{0x10, 0x72}, []byte(presentation.Typ)), []byte{0xa0}, claims(live), ed), pol(nil), code("alg_not_allowed")),
		v("malformed_presentation_claims_exp", "an exp claim in the presentation: only aud, iat and cnonce", raw(header(edCred), []byte{0xa0}, claims(with(map[any]any{int64(4): presentAt.Unix() + 60})), ed), pol(nil), badSeen(presentation.ReasonClaims)),
		v("malformed_presentation_claims_no_iat", "no iat", raw(header(edCred), []byte{0xa0}, claims(with(map[any]any{int64(6): nil})), ed), pol(nil), badSeen(presentation.ReasonClaims)),
		v("malformed_presentation_claims_no_aud", "no aud", raw(header(edCred), []byte{0xa0}, claims(with(map[any]any{int64(3): nil})), ed), pol(nil), badSeen(presentation.ReasonClaims)),
		v("malformed_presentation_claims_nonce_text", "cnonce as text", raw(header(edCred), []byte{0xa0}, claims(with(map[any]any{int64(39): "n-4711"})), ed), pol(nil), badSeen(presentation.ReasonClaims)),
		v("malformed_presentation_claims_unsorted", "claims not in canonical order", raw(header(edCred), []byte{0xa0}, []byte{0xa2, 0x06, 0x1a, byte(presentAt.Unix() >> 24), byte(presentAt.Unix() >> 16), byte(presentAt.Unix() >> 8), byte(presentAt.Unix()), 0x03, 0x60}, ed), pol(nil), badSeen("cbor_key_order")),
		v("malformed_presentation_credential_prefix", "a presentation's body behind the credential prefix NC1:", credential.QRPrefix+strings.TrimPrefix(liveEd, presentation.QRPrefix), pol(nil), bad("cbor_tag")),
	}
	vs = append(vs, replayVariantVectors(g, edCred, esCred, ed, es, pol(nil))...)
	for i := range vs {
		if vs[i].Expect.Code == "valid" {
			vs[i].Expect.Valid = true
		}
		vs[i].Expect.Verdict = verdictOf(vs[i].Expect.Code)
		vs[i].Expect.Warnings = presentationWarnings[vs[i].Name]
	}
	return vs, nil
}

// badSeen is a malformed presentation whose credential verified.
func badSeen(reason string) spec.VectorExpect {
	return spec.VectorExpect{Code: "malformed", Reason: reason, Level: "substantial", Type: "identity"}
}

// presentationWarnings pins the warnings of valid presentations: never
// holder_binding_unchecked.
var presentationWarnings = map[string][]string{
	"valid_presentation":              {"status_unchecked"},
	"valid_presentation_not_required": {"status_unchecked"},
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func presentationQR(cose []byte) string {
	text, err := presentation.EncodeQR(cose)
	if err != nil {
		panic(err)
	}
	return text
}

// rawES signs a presentation of cred with an ES256 key through go-cose,
// without psign's check that the key is the cnf's.
func rawES(g *gen, cred []byte, k *keys.PrivateKey, payload []byte) string {
	cs, err := cose.NewSigner(cose.AlgorithmES256, k.Signer())
	if err != nil {
		panic(err)
	}
	msg := cose.NewSign1Message()
	msg.Headers.Protected.SetAlgorithm(cose.AlgorithmES256)
	msg.Headers.Protected[int64(13)] = cbor.RawMessage(cred)
	msg.Headers.Protected[cose.HeaderLabelType] = presentation.Typ
	msg.Payload = payload
	if err := msg.Sign(rand.Reader, nil, cs); err != nil {
		panic(err)
	}
	b, err := msg.MarshalCBOR()
	if err != nil {
		panic(err)
	}
	return presentationQR(b)
}

// tamperPayload adds one second to a presentation's iat after signing.
func tamperPayload(text string) string {
	b, err := presentation.DecodeQR(text)
	if err != nil {
		panic(err)
	}
	// The payload is the byte string before the 64-byte signature: its
	// iat is a 4-byte integer, the last item of {3: "", 6: iat}.
	b[len(b)-64-2-1]++
	return presentationQR(b)
}
