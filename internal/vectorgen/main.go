// Command vectorgen writes netcred's conformance vectors (spec/vectors) from
// fixed keys, so that running it again reproduces the same files.
//
//	go run ./internal/vectorgen [-out spec/vectors]
//
// Ed25519 signatures are deterministic, so those vectors are byte-for-byte
// reproducible; ES256 signatures are randomized, so ES256 vectors change
// bytes (never meaning) on each run.
package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/internal/base45"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/spec"
)

func main() {
	out := flag.String("out", "spec/vectors", "directory to write the vector files to")
	flag.Parse()
	err := generateInto(*out, Generate, func(v spec.Vector) string { return v.Name })
	if err == nil {
		err = generateInto(filepath.Join(*out, "evidence"), GenerateEvidence, func(v EvidenceVector) string { return v.Name })
	}
	if err == nil {
		err = generateInto(filepath.Join(*out, "presentation"), GeneratePresentation, func(v spec.Vector) string { return v.Name })
	}
	if err == nil {
		err = generateInto(filepath.Join(*out, "oid4vci"), GenerateProofs, func(v ProofVector) string { return v.Name })
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vectorgen: error: %v\n", err)
		os.Exit(1)
	}
}

// generateInto generates one family of vectors and replaces the JSON files
// of dir with them, one file per vector named by name.
func generateInto[V any](dir string, generate func() ([]V, error), name func(V) string) error {
	vectors, err := generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range old {
		os.Remove(f)
	}
	for _, v := range vectors {
		data, err := Marshal(v)
		if err != nil {
			return fmt.Errorf("%s: %v", name(v), err)
		}
		if err := os.WriteFile(filepath.Join(dir, name(v)+".json"), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "vectorgen: wrote %d vectors to %s\n", len(vectors), dir)
	return nil
}

// Marshal formats a vector file of any family: indented JSON and a
// newline.
func Marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Fixed times: issued at iat, verified an hour later unless a case says.
var (
	iat      = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	verifyAt = iat.Add(time.Hour).Format(time.RFC3339)
)

// gen holds the fixed keys.
type gen struct {
	ed, ed2, es   *keys.PrivateKey
	edRaw         ed25519.PrivateKey
	trusted       json.RawMessage // JWKS of ed and es
	trustedEdOnly json.RawMessage
}

func fixedEd25519(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("netcred test vector key: " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func fixedP256(label string) *ecdsa.PrivateKey {
	d := sha256.Sum256([]byte("netcred test vector key: " + label))
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d[:])
	if err != nil {
		panic(err)
	}
	return k
}

func newGen() (*gen, error) {
	g := &gen{edRaw: fixedEd25519("issuer-ed25519")}
	var err error
	if g.ed, err = keys.NewPrivateKey(g.edRaw); err != nil {
		return nil, err
	}
	if g.ed2, err = keys.NewPrivateKey(fixedEd25519("attacker-ed25519")); err != nil {
		return nil, err
	}
	if g.es, err = keys.NewPrivateKey(fixedP256("issuer-p256")); err != nil {
		return nil, err
	}
	set, err := keys.NewSet(g.ed.Public(), g.es.Public())
	if err != nil {
		return nil, err
	}
	if g.trusted, err = json.Marshal(set); err != nil {
		return nil, err
	}
	edOnly, err := keys.NewSet(g.ed.Public())
	if err != nil {
		return nil, err
	}
	g.trustedEdOnly, err = json.Marshal(edOnly)
	return g, err
}

// identity returns the claims of the reference identity credential.
func identity() *credential.Claims {
	id, _ := schemas.Builtin().ByName("identity")
	attrs, err := id.Encode(map[string]any{
		"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31",
	})
	if err != nil {
		panic(err)
	}
	return &credential.Claims{
		IssuedAt: iat, Expiry: iat.AddDate(1, 0, 0),
		Status: &credential.StatusRef{Index: 734512, URI: "https://id.gov.cn/s/3"},
		Type:   id.ID, Version: id.Version, Level: credential.LevelSubstantial,
		Evidence: credential.EvidenceRemoteFaceMatch, Attributes: attrs,
	}
}

var identityJSON = map[string]any{"name": "王小明", "id_number": "11010519491231002X", "birth_date": "1949-12-31"}

func ticket() *credential.Claims {
	t, _ := schemas.Builtin().ByName("ticket")
	attrs, err := t.Encode(map[string]any{
		"event": "G1234 Beijing-Shanghai", "seat": "05A",
		"valid_from": "2026-11-26T08:00:00Z", "valid_until": "2026-11-26T14:00:00Z",
		"holder_name": "王小明",
	})
	if err != nil {
		panic(err)
	}
	return &credential.Claims{
		IssuedAt: iat, Expiry: iat.Add(12 * time.Hour), Type: t.ID, Version: t.Version,
		Level: credential.LevelLow, Evidence: credential.EvidenceSelfAsserted, Attributes: attrs,
	}
}

func (g *gen) sign(c *credential.Claims, k *keys.PrivateKey) []byte {
	b, err := sign.Credential(c, k.Algorithm(), k.KID(), k.Signer())
	if err != nil {
		panic(err)
	}
	return b
}

func qr(cose []byte) string {
	s, err := credential.EncodeQR(cose)
	if err != nil {
		panic(err)
	}
	return s
}

// plainQR is the uncompressed QR form, which decoders must accept too.
func plainQR(b []byte) string { return credential.QRPrefix + base45.Encode(b) }

// rawSign1 assembles a COSE_Sign1 from parts and signs its Sig_structure
// with the fixed Ed25519 key, to build headers no honest encoder writes.
func (g *gen) rawSign1(protected, unprotected, payload []byte) []byte {
	msg := []byte{0x84, 0x6a}
	msg = append(msg, "Signature1"...)
	msg = appendBstr(msg, protected)
	msg = append(msg, 0x40)
	msg = appendBstr(msg, payload)
	sig := ed25519.Sign(g.edRaw, msg)
	return assemble(protected, unprotected, payload, sig)
}

func assemble(protected, unprotected, payload, sig []byte) []byte {
	out := []byte{0xd2, 0x84}
	out = appendBstr(out, protected)
	out = append(out, unprotected...)
	out = appendBstr(out, payload)
	return appendBstr(out, sig)
}

func appendBstr(dst, b []byte) []byte {
	switch n := len(b); {
	case n < 24:
		dst = append(dst, 0x40|byte(n))
	case n < 256:
		dst = append(dst, 0x58, byte(n))
	default:
		dst = append(dst, 0x59, byte(n>>8), byte(n))
	}
	return append(dst, b...)
}

// protected builds a protected header map from encoded label/value pairs.
func protected(pairs ...[]byte) []byte {
	out := []byte{0xa0 | byte(len(pairs))}
	for _, p := range pairs {
		out = append(out, p...)
	}
	return out
}

func (g *gen) kidPair(k *keys.PrivateKey) []byte { return append([]byte{0x04, 0x48}, k.KID()...) }

var (
	algEdDSA = []byte{0x01, 0x27}
	typCWT   = []byte{0x10, 0x18, 0x3d}
)

func payloadOf(cose []byte) []byte {
	m, err := credential.Parse(cose)
	if err != nil {
		panic(err)
	}
	return m.Payload()
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// groups are the generators of vector groups beyond the core ones of
// Generate. Each file of this command adds its own with register, in an
// init function; names must be unique across all groups.
var groups = []func(*gen) ([]spec.Vector, error){
	trustVectors,
	func(g *gen) ([]spec.Vector, error) { return bundleVectors(g), nil },
}

// register adds generators of vector groups.
func register(g ...func(*gen) ([]spec.Vector, error)) { groups = append(groups, g...) }

// Generate builds every vector.
func Generate() ([]spec.Vector, error) {
	g, err := newGen()
	if err != nil {
		return nil, err
	}
	ref := g.sign(identity(), g.ed)
	refPayload := payloadOf(ref)
	edProt := protected(algEdDSA, g.kidPair(g.ed), typCWT)
	valid := func(level, typ string, claims map[string]any) spec.VectorExpect {
		return spec.VectorExpect{Valid: true, Code: "valid", Level: level, Type: typ, Claims: claims}
	}
	invalid := func(code string) spec.VectorExpect { return spec.VectorExpect{Code: code} }
	seen := func(code, level, typ string) spec.VectorExpect {
		return spec.VectorExpect{Code: code, Level: level, Type: typ}
	}
	at := spec.VectorPolicy{At: verifyAt}
	v := func(name, comment, input string, policy spec.VectorPolicy, expect spec.VectorExpect) spec.Vector {
		return spec.Vector{Name: name, Comment: comment, Input: input, Keys: g.trusted, Policy: policy, Expect: expect}
	}

	// Payload variants signed by the genuine key.
	signedPayload := func(p []byte) string {
		b, err := sign.Payload(p, credential.TypCWT, credential.EdDSA, g.ed.KID(), g.ed.Signer())
		if err != nil {
			panic(err)
		}
		return qr(b)
	}
	lowIdentity := identity()
	lowIdentity.Level, lowIdentity.Evidence = credential.LevelLow, credential.EvidenceSelfAsserted
	badCheck := identity()
	badCheck.Attributes[2] = "110105194912310021"
	unknownType := identity()
	unknownType.Type = 99
	newVersion := identity()
	newVersion.Version = 2
	holder := identity()
	holder.Confirmation = holderCnf(holderP256())
	withIss := identity()
	withIss.Issuer, withIss.ID, withIss.NotBefore = "cn.gov.id", []byte{0xca, 0xfe, 0xba, 0xbe}, iat.Add(30*time.Minute)

	// A zip bomb: a tiny DEFLATE stream of megabytes of zeros after a 0xD2.
	bomb := deflateZeros()
	// A non-shortest integer: exp as a 64-bit integer.
	longInt := longExp(refPayload)
	esCred := g.sign(identity(), g.es)

	vs := []spec.Vector{
		v("valid_identity_eddsa", "the reference identity credential, EdDSA, compressed QR form", qr(ref), at,
			valid("substantial", "identity", identityJSON)),
		v("valid_identity_eddsa_uncompressed", "the same credential in the uncompressed QR form (first byte 0xD2)", plainQR(ref), at,
			valid("substantial", "identity", identityJSON)),
		v("valid_identity_es256", "the reference identity credential signed with ES256", qr(esCred), at,
			valid("substantial", "identity", identityJSON)),
		v("valid_ticket", "a ticket at level low for a gate that accepts tickets", qr(g.sign(ticket(), g.ed)),
			spec.VectorPolicy{At: verifyAt, Types: []string{"ticket"}}, valid("low", "ticket", nil)),
		v("valid_min_level_met", "level substantial meets a minimum of substantial", qr(ref),
			spec.VectorPolicy{At: verifyAt, MinLevel: "substantial", Types: []string{"identity"}}, valid("substantial", "identity", nil)),
		v("valid_with_optional_claims", "iss, cti and nbf present; nbf in the past", qr(g.sign(withIss, g.ed)),
			spec.VectorPolicy{At: iat.Add(2 * time.Hour).Format(time.RFC3339)}, valid("substantial", "identity", nil)),
		v("valid_within_clock_skew", "verified 4 minutes before iat: within the default 5 minutes of skew", qr(ref),
			spec.VectorPolicy{At: iat.Add(-4 * time.Minute).Format(time.RFC3339)}, valid("substantial", "identity", nil)),
		v("valid_holder_binding_warns", "a cnf claim is present: valid, with a warning that possession was not checked", qr(g.sign(holder, g.ed)), at,
			valid("substantial", "identity", nil)),

		v("too_large_text", "QR text longer than 6212 characters", credential.QRPrefix+strings.Repeat("00", 3200), at, invalid("too_large")),
		v("too_large_zip_bomb", "a DEFLATE stream inflating past 4096 bytes", plainQR(bomb), at, invalid("too_large")),
		v("malformed_prefix", "the EU DCC prefix instead of NC1:", "HC1:"+strings.TrimPrefix(qr(ref), credential.QRPrefix), at, bad(credential.ReasonQRPrefix)),
		v("malformed_base45", "lowercase characters (after the prefix) are outside the base45 alphabet", credential.QRPrefix+strings.ToLower(strings.TrimPrefix(qr(ref), credential.QRPrefix)), at, bad(credential.ReasonBase45)),
		v("malformed_truncated", "the COSE_Sign1 cut short by one byte", plainQR(ref[:len(ref)-1]), at, bad(strictcbor.ReasonTruncated)),
		v("malformed_trailing_bytes", "a byte after the COSE_Sign1", plainQR(append(append([]byte{}, ref...), 0x00)), at, bad(strictcbor.ReasonTrailingBytes)),
		v("malformed_untagged", "a COSE_Sign1 without tag 18: its first byte is not 0xD2, so the body is read as DEFLATE, which it is not", plainQR(ref[1:]), at, bad(credential.ReasonDeflate)),
		v("malformed_indefinite_length", "the COSE array with an indefinite length", plainQR(append(append([]byte{0xd2, 0x9f}, ref[2:]...), 0xff)), at, bad(strictcbor.ReasonIndefinite)),
		v("malformed_deep_nesting", "arrays nested 40 deep", plainQR(append([]byte{0xd2}, []byte(strings.Repeat("\x81", 40)+"\x00")...)), at, bad(strictcbor.ReasonDepth)),
		v("malformed_unprotected_kid", "the kid moved to the unprotected header", plainQR(g.rawSign1(protected(algEdDSA, typCWT), append([]byte{0xa1, 0x04, 0x48}, g.ed.KID()...), refPayload)), at, bad(credential.ReasonCOSEUnprotected)),
		v("malformed_crit", "a crit header parameter", plainQR(g.rawSign1(protected(algEdDSA, []byte{0x02, 0x81, 0x01}, g.kidPair(g.ed), typCWT), []byte{0xa0}, refPayload)), at, bad(credential.ReasonCOSEHeader)),
		v("malformed_non_shortest_int", "a signed claims set with exp in a non-shortest encoding", signedPayload(longInt), at, bad(strictcbor.ReasonNonShortest)),
		v("malformed_missing_netcred_claim", "a signed CWT without the netcred claim", signedPayload([]byte{0xa2, 0x04, 0x1a, 0x6d, 0xc4, 0xe2, 0xd0, 0x06, 0x1a, 0x69, 0x26, 0xc1, 0x50}), at, bad(credential.ReasonClaims)),
		v("alg_not_allowed_none", "alg given as the text \"none\"", plainQR(g.rawSign1(protected([]byte{0x01, 0x64, 'n', 'o', 'n', 'e'}, g.kidPair(g.ed), typCWT), []byte{0xa0}, refPayload)), at, invalid("alg_not_allowed")),
		v("alg_not_allowed_hs256", "alg HMAC 256/256 (5)", plainQR(g.rawSign1(protected([]byte{0x01, 0x05}, g.kidPair(g.ed), typCWT), []byte{0xa0}, refPayload)), at, invalid("alg_not_allowed")),
		v("alg_not_allowed_missing", "no alg in the protected header", plainQR(g.rawSign1(protected(g.kidPair(g.ed), typCWT), []byte{0xa0}, refPayload)), at, invalid("alg_not_allowed")),
		v("unknown_key_kid_swapped", "the kid replaced by one no trusted key has", plainQR(g.rawSign1(protected(algEdDSA, append([]byte{0x04, 0x48}, 9, 9, 9, 9, 9, 9, 9, 9), typCWT), []byte{0xa0}, refPayload)), at, invalid("unknown_key")),
		v("alg_mismatch_es256_header_on_ed25519_key", "alg ES256 in the header, kid of the Ed25519 key", plainQR(g.rawSign1(protected([]byte{0x01, 0x26}, g.kidPair(g.ed), typCWT), []byte{0xa0}, refPayload)), at, invalid("alg_mismatch")),
		v("alg_mismatch_eddsa_header_on_p256_key", "alg EdDSA in the header, kid of the P-256 key", plainQR(g.rawSign1(protected(algEdDSA, g.kidPair(g.es), typCWT), []byte{0xa0}, refPayload)), at, invalid("alg_mismatch")),
		v("signature_invalid_tampered", "one byte of the payload changed after signing", plainQR(tamper(ref)), at, invalid("signature_invalid")),
		v("signature_invalid_stripped", "the signature replaced by an empty byte string", plainQR(assemble(edProt, []byte{0xa0}, refPayload, nil)), at, invalid("signature_invalid")),
		v("signature_invalid_resigned", "re-signed by another key under the trusted key's kid", qr(resign(g, refPayload)), at, invalid("signature_invalid")),
		v("signature_invalid_kid_swapped", "signed by the Ed25519 key, kid of the P-256 key with alg ES256", plainQR(swapToES(g, refPayload)), at, invalid("signature_invalid")),
		v("wrong_typ_missing", "no typ in the protected header", plainQR(g.rawSign1(protected(algEdDSA, g.kidPair(g.ed)), []byte{0xa0}, refPayload)), at, invalid("wrong_typ")),
		v("wrong_typ_other", "typ 16 (application/cose; cose-type=\"cose-encrypt0\") instead of 61", plainQR(g.rawSign1(protected(algEdDSA, g.kidPair(g.ed), []byte{0x10, 0x10}), []byte{0xa0}, refPayload)), at, invalid("wrong_typ")),
		v("not_yet_valid", "verified 10 minutes before iat: beyond the 5 minutes of skew", qr(ref),
			spec.VectorPolicy{At: iat.Add(-10 * time.Minute).Format(time.RFC3339)}, seen("not_yet_valid", "substantial", "")),
		v("not_yet_valid_no_skew", "verified 1 second before iat with clock skew 0", qr(ref),
			spec.VectorPolicy{At: iat.Add(-time.Second).Format(time.RFC3339), ClockSkew: "0s"}, seen("not_yet_valid", "substantial", "")),
		v("expired", "verified a day after exp", qr(ref),
			spec.VectorPolicy{At: iat.AddDate(1, 0, 1).Format(time.RFC3339)}, seen("expired", "substantial", "")),
		v("expired_at_exp_plus_skew", "verified exactly at exp plus the 5 minutes of skew", qr(ref),
			spec.VectorPolicy{At: iat.AddDate(1, 0, 0).Add(5 * time.Minute).Format(time.RFC3339)}, seen("expired", "substantial", "")),
		v("unknown_type", "type id 99 is in no schema registry", qr(g.sign(unknownType, g.ed)), at, seen("unknown_type", "substantial", "")),
		v("unknown_type_version", "identity version 2 is not known", qr(g.sign(newVersion, g.ed)), at, seen("unknown_type", "substantial", "identity")),
		v("schema_invalid_check_digit", "an id_number whose check character is wrong", qr(g.sign(badCheck, g.ed)), at, seen("schema_invalid", "substantial", "identity")),
		v("schema_invalid_level_below_type_minimum", "an identity credential at level low (identity needs substantial)", qr(g.sign(lowIdentity, g.ed)), at, seen("schema_invalid", "low", "identity")),
		v("type_not_allowed", "a ticket where only identity credentials are accepted", qr(g.sign(ticket(), g.ed)),
			spec.VectorPolicy{At: verifyAt, Types: []string{"identity"}}, seen("type_not_allowed", "low", "ticket")),
		v("level_too_low", "level substantial where high is required", qr(ref),
			spec.VectorPolicy{At: verifyAt, MinLevel: "high"}, seen("level_too_low", "substantial", "identity")),
	}
	names := map[string]bool{}
	for _, v := range vs {
		names[v.Name] = true
	}
	for _, group := range groups {
		more, err := group(g)
		if err != nil {
			return nil, err
		}
		for _, v := range more {
			if names[v.Name] {
				return nil, fmt.Errorf("two vectors named %s", v.Name)
			}
			names[v.Name] = true
		}
		vs = append(vs, more...)
	}
	for i := range vs {
		if vs[i].Kind == "" && vs[i].Expect.Code == "valid" {
			vs[i].Expect.Valid = true
		}
		vs[i].Expect.Warnings = vectorWarnings[vs[i].Name]
		if vs[i].Expect.Verdict == "" && vs[i].Kind == "" {
			vs[i].Expect.Verdict = verdictOf(vs[i].Expect.Code)
		}
	}
	return vs, nil
}

// tamper flips a bit in the last attribute value byte of the payload.
func tamper(cose []byte) []byte {
	out := append([]byte{}, cose...)
	p := payloadOf(cose)
	i := strings.Index(string(out), string(p)) + len(p) - 1
	out[i] ^= 0x01
	return out
}

// resign signs the genuine payload with the attacker's key but the genuine
// key's kid.
func resign(g *gen, payload []byte) []byte {
	b, err := sign.Payload(payload, credential.TypCWT, credential.EdDSA, g.ed.KID(), g.ed2.Signer())
	if err != nil {
		panic(err)
	}
	return b
}

// swapToES claims the P-256 key (ES256) but carries an Ed25519 signature
// of 64 bytes: the header's alg matches the key, the signature does not.
func swapToES(g *gen, payload []byte) []byte {
	return g.rawSign1(protected([]byte{0x01, 0x26}, g.kidPair(g.es), typCWT), []byte{0xa0}, payload)
}

// deflateZeros is 0xD2 followed by 1 MiB of zeros, raw-deflated.
func deflateZeros() []byte {
	data := make([]byte, 1<<20)
	data[0] = 0xd2
	return credentialDeflate(data)
}

// longExp rewrites exp of the reference payload, which starts
// a4 04 1a <exp 4 bytes> 06 1a <iat 4 bytes> ..., in 8 bytes.
func longExp(p []byte) []byte {
	out := []byte{p[0], 0x04, 0x1b, 0, 0, 0, 0}
	out = append(out, p[3:7]...)
	return append(out, p[7:]...)
}
