package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
	"github.com/netcred/netcred/spec"
)

// The edge vectors: each pins one rule of credential.md whose outcome an
// implementation could otherwise guess, and, where several rules fail at
// once, which one wins.

func init() { register(headerVectors, claimsVectors, qrTextVectors) }

// expect helpers shared by the edge vectors.
func bad(reason string) spec.VectorExpect {
	return spec.VectorExpect{Code: "malformed", Reason: reason}
}

func code(c string) spec.VectorExpect { return spec.VectorExpect{Code: c} }

func seenAs(c, level, typ string) spec.VectorExpect {
	return spec.VectorExpect{Code: c, Valid: c == "valid", Level: level, Type: typ}
}

func (g *gen) plain(name, comment, input string, expect spec.VectorExpect) spec.Vector {
	return spec.Vector{Name: name, Comment: comment, Input: input, Keys: g.trusted, Policy: spec.VectorPolicy{At: verifyAt}, Expect: expect}
}

// headerVectors pin the order of the COSE_Sign1 checks (credential.md §3.1).
func headerVectors(g *gen) ([]spec.Vector, error) {
	p := payloadOf(g.sign(identity(), g.ed))
	kid := g.kidPair(g.ed)
	algNone := []byte{0x01, 0x64, 'n', 'o', 'n', 'e'}
	algHS256 := []byte{0x01, 0x05}
	crit := []byte{0x02, 0x81, 0x01}
	unprotKid := append([]byte{0xa1, 0x04, 0x48}, g.ed.KID()...)
	signed := func(prot, unprot []byte) string { return plainQR(g.rawSign1(prot, unprot, p)) }
	short := func(prot []byte) string { return plainQR(assemble(prot, []byte{0xa0}, p, make([]byte, 32))) }
	kidOf := func(n int) []byte {
		b := []byte{0x04}
		if n < 24 {
			b = append(b, 0x40|byte(n))
		} else {
			b = append(b, 0x58, byte(n))
		}
		return append(b, bytes.Repeat([]byte{7}, n)...)
	}
	return []spec.Vector{
		g.plain("malformed_unprotected_before_crit", "a kid in the unprotected header and crit in the protected one: the unprotected header is checked first",
			signed(protected(algEdDSA, crit, kid, typCWT), unprotKid), bad(credential.ReasonCOSEUnprotected)),
		g.plain("malformed_unprotected_before_alg", "a kid in the unprotected header and alg \"none\": the unprotected header is checked first",
			signed(protected(algNone, typCWT), unprotKid), bad(credential.ReasonCOSEUnprotected)),
		g.plain("malformed_structure_before_unprotected", "a detached payload and a non-empty unprotected header: the structure is checked first",
			plainQR(append(append(append([]byte{0xd2, 0x84}, bstr(protected(algEdDSA, kid, typCWT))...), unprotKid...), 0xf6, 0x40)), bad(credential.ReasonCOSEStructure)),
		g.plain("malformed_unprotected_not_map", "the unprotected header is an empty array", plainQR(assemble(protected(algEdDSA, kid, typCWT), []byte{0x80}, p, make([]byte, 64))), bad(credential.ReasonCOSEStructure)),
		g.plain("malformed_detached_payload", "payload null (detached)", plainQR(append(append([]byte{0xd2, 0x84}, bstr(protected(algEdDSA, kid, typCWT))...), 0xa0, 0xf6, 0x40)), bad(credential.ReasonCOSEStructure)),
		g.plain("malformed_crit_before_alg", "crit and alg \"none\": the label set is checked before alg", signed(protected(algNone, crit, kid, typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_unknown_label_before_missing_alg", "label 3 (content type) and no alg: the label set is checked before alg",
			signed(protected([]byte{0x03, 0x00}, kid, typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_negative_label", "a negative (private) label -1 beside alg, kid and typ",
			signed(protected(algEdDSA, kid, typCWT, []byte{0x20, 0x00}), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_text_label", "a text label \"alg\" beside alg, kid and typ",
			signed(protected(algEdDSA, kid, typCWT, []byte{0x63, 'a', 'l', 'g', 0x27}), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_protected_not_canonical", "protected header keys out of order (kid before alg)",
			signed(protected(kid, algEdDSA, typCWT), []byte{0xa0}), bad(strictcbor.ReasonKeyOrder)),
		g.plain("malformed_protected_empty", "a zero-length protected header (RFC 9052 allows it for an empty map; this profile needs alg, kid and typ)",
			signed(nil, []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_protected_not_map", "the protected header holds an array",
			signed([]byte{0x83, 0x01, 0x02, 0x03}, []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("alg_not_allowed_before_missing_kid", "alg \"none\" and no kid: alg is checked before kid", signed(protected(algNone, typCWT), []byte{0xa0}), code("alg_not_allowed")),
		g.plain("alg_not_allowed_before_missing_typ", "alg HS256 and no typ: alg is checked before typ", signed(protected(algHS256, kid), []byte{0xa0}), code("alg_not_allowed")),
		g.plain("alg_not_allowed_before_signature_length", "alg HS256 and a 32-byte signature: alg is checked before the signature length", short(protected(algHS256, kid, typCWT)), code("alg_not_allowed")),
		g.plain("alg_not_allowed_text_eddsa", "alg as the text \"EdDSA\"", signed(protected([]byte{0x01, 0x65, 'E', 'd', 'D', 'S', 'A'}, kid, typCWT), []byte{0xa0}), code("alg_not_allowed")),
		g.plain("alg_not_allowed_es384", "alg ES384 (-35)", signed(protected([]byte{0x01, 0x38, 0x22}, kid, typCWT), []byte{0xa0}), code("alg_not_allowed")),
		g.plain("malformed_missing_kid", "no kid", signed(protected(algEdDSA, typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_missing_kid_before_typ", "no kid and no typ: kid is checked before typ", signed(protected(algEdDSA), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_kid_empty", "a kid of 0 bytes", signed(protected(algEdDSA, kidOf(0), typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("malformed_kid_too_long", "a kid of 65 bytes (at most 64)", signed(protected(algEdDSA, kidOf(65), typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("unknown_key_kid_64_bytes", "a kid of 64 bytes is well formed; no trusted key has it", signed(protected(algEdDSA, kidOf(64), typCWT), []byte{0xa0}), code("unknown_key")),
		g.plain("malformed_kid_text", "the kid as a text string", signed(protected(algEdDSA, []byte{0x04, 0x62, 'k', '1'}, typCWT), []byte{0xa0}), bad(credential.ReasonCOSEHeader)),
		g.plain("wrong_typ_missing_before_signature_length", "no typ and a 32-byte signature: typ is checked before the signature length", short(protected(algEdDSA, kid)), code("wrong_typ")),
		g.plain("wrong_typ_empty_text", "typ as the empty text string", signed(protected(algEdDSA, kid, []byte{0x10, 0x60}), []byte{0xa0}), code("wrong_typ")),
		g.plain("wrong_typ_bytes", "typ as a byte string", signed(protected(algEdDSA, kid, []byte{0x10, 0x41, 0x3d}), []byte{0xa0}), code("wrong_typ")),
		g.plain("wrong_typ_not_media_type_before_unknown_key", "typ as the text \"cwt\" (not type/subtype) under a kid no trusted key has: the form of typ is checked before the key is looked up",
			signed(protected(algEdDSA, kidOf(8), []byte{0x10, 0x63, 'c', 'w', 't'}), []byte{0xa0}), code("wrong_typ")),
		g.plain("wrong_typ_media_type_trailing_space", "typ as the text \"application/cwt \"", signed(protected(algEdDSA, kid, append([]byte{0x10, 0x70}, "application/cwt "...)), []byte{0xa0}), code("wrong_typ")),
		g.plain("wrong_typ_media_type", "typ as the text \"application/cwt\" (this profile uses the number 61)", signed(protected(algEdDSA, kid, append([]byte{0x10, 0x6f}, "application/cwt"...)), []byte{0xa0}), code("wrong_typ")),
		g.plain("signature_invalid_63_bytes", "a signature of 63 bytes", plainQR(assemble(protected(algEdDSA, kid, typCWT), []byte{0xa0}, p, make([]byte, 63))), code("signature_invalid")),
		g.plain("signature_invalid_length_before_unknown_key", "a 32-byte signature under a kid no trusted key has: the length is checked before the key is looked up",
			short(protected(algEdDSA, kidOf(8), typCWT)), code("signature_invalid")),
	}, nil
}

func bstr(b []byte) []byte { return appendBstr(nil, b) }

// refClaimsMap is the reference identity credential's claims set as a
// generic map, to change one member at a time. It encodes to the same
// bytes as the issuer's encoder (claimsVectors checks).
func refClaimsMap() map[any]any {
	c := identity()
	attrs := map[any]any{}
	for k, v := range c.Attributes {
		attrs[k] = v
	}
	return map[any]any{
		int64(4): c.Expiry.Unix(), int64(6): c.IssuedAt.Unix(),
		int64(65535):  map[any]any{"status_list": map[any]any{"idx": c.Status.Index, "uri": c.Status.URI}},
		int64(-65537): []any{c.Type, c.Version, uint64(c.Level), uint64(c.Evidence), attrs},
	}
}

func encodeClaims(m map[any]any) []byte {
	b, err := cbormode.EncMode.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func nested(depth int) any {
	var v any = uint64(0)
	for i := 0; i < depth; i++ {
		v = []any{v}
	}
	return v
}

// claimsVectors pin §4 and §2 on the claims set: NumericDate bounds,
// evidence against level, attribute and claim key kinds, the status claim,
// nesting depth and map sizes, and the non-canonical encodings.
func claimsVectors(g *gen) ([]spec.Vector, error) {
	ref := payloadOf(g.sign(identity(), g.ed))
	if !bytes.Equal(encodeClaims(refClaimsMap()), ref) {
		panic("refClaimsMap does not encode to the reference payload")
	}
	signRaw := func(p []byte) string {
		b, err := sign.Payload(p, credential.TypCWT, credential.EdDSA, g.ed.KID(), g.ed.Signer())
		if err != nil {
			panic(err)
		}
		return qr(b)
	}
	with := func(mod func(m map[any]any)) string {
		m := refClaimsMap()
		mod(m)
		return signRaw(encodeClaims(m))
	}
	attrs := func(mod func(a map[any]any)) string {
		return with(func(m map[any]any) { mod(m[int64(-65537)].([]any)[4].(map[any]any)) })
	}
	status := func(s any) string { return with(func(m map[any]any) { m[int64(65535)] = s }) }
	levelEvidence := func(level, evidence uint64) string {
		return with(func(m map[any]any) {
			nc := m[int64(-65537)].([]any)
			nc[2], nc[3] = level, evidence
		})
	}
	iatUnix := identity().IssuedAt.Unix()
	// The reference payload starts a4 04 1a <exp> 06 1a <iat>: the exp
	// pair is p[1:7], the iat pair p[7:13].
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	float := make([]byte, 8)
	binary.BigEndian.PutUint64(float, math.Float64bits(float64(iatUnix)))
	dupIat := cat([]byte{0xa5}, ref[1:13], ref[7:13], ref[13:])
	swapped := cat([]byte{0xa4}, ref[7:13], ref[1:7], ref[13:])
	floatIat := cat(ref[:7], []byte{0x06, 0xfb}, float, ref[13:])
	dupFloat := cat([]byte{0xa5}, ref[1:13], []byte{0x06, 0xfb}, float, ref[13:])
	list := func(n int) []any { return make([]any, n) }
	for _, b := range [][]byte{dupIat, swapped, floatIat} {
		if len(b) < 13 {
			panic("claims surgery")
		}
	}
	for i := range list(0) {
		_ = i
	}
	zeros := func(n int) []any {
		l := list(n)
		for i := range l {
			l[i] = uint64(0)
		}
		return l
	}
	vs := []spec.Vector{
		// Non-canonical encodings, each failing for the rule it names.
		g.plain("malformed_duplicate_claim", "a signed claims set with iat twice", signRaw(dupIat), bad(strictcbor.ReasonDuplicateKey)),
		g.plain("malformed_unsorted_claims", "a signed claims set with iat before exp (map keys out of deterministic order)", signRaw(swapped), bad(strictcbor.ReasonKeyOrder)),
		g.plain("malformed_duplicate_before_value", "iat twice, the second one a float: the key is read (and found a duplicate) before its value", signRaw(dupFloat), bad(strictcbor.ReasonDuplicateKey)),
		g.plain("malformed_iat_float", "iat as a float64 of the same value", signRaw(floatIat), bad(strictcbor.ReasonFloatOrSimple)),

		// NumericDate bounds (§4.1): 1 to 2^62 inclusive.
		g.plain("valid_exp_max", "exp = 2^62, far past year 9999: still a verdict", with(func(m map[any]any) { m[int64(4)] = uint64(1 << 62) }), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_exp_above_max", "exp = 2^62 + 1", with(func(m map[any]any) { m[int64(4)] = uint64(1<<62 + 1) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_exp_max_uint64", "exp = 2^64 - 1", with(func(m map[any]any) { m[int64(4)] = uint64(math.MaxUint64) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_exp_negative", "exp = -1", with(func(m map[any]any) { m[int64(4)] = int64(-1) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_exp_text", "exp as a text string", with(func(m map[any]any) { m[int64(4)] = "1827219600" }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_exp_missing", "no exp", with(func(m map[any]any) { delete(m, int64(4)) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_exp_not_after_iat", "exp equal to iat", with(func(m map[any]any) { m[int64(4)] = iatUnix }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_iat_zero", "iat = 0", with(func(m map[any]any) { m[int64(6)] = uint64(0) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_iat_missing", "no iat", with(func(m map[any]any) { delete(m, int64(6)) }), bad(credential.ReasonClaimsDate)),
		g.plain("valid_iat_one", "iat = 1, the smallest NumericDate accepted", with(func(m map[any]any) { m[int64(6)] = uint64(1) }), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_nbf_zero", "nbf = 0: present, so before iat", with(func(m map[any]any) { m[int64(5)] = uint64(0) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_nbf_before_iat", "nbf a second before iat", with(func(m map[any]any) { m[int64(5)] = iatUnix - 1 }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_nbf_not_before_exp", "nbf equal to exp", with(func(m map[any]any) { m[int64(5)] = m[int64(4)] }), bad(credential.ReasonClaimsDate)),
		g.plain("valid_nbf_equal_iat", "nbf written although equal to iat (issuers omit it; verifiers accept it)", with(func(m map[any]any) { m[int64(5)] = iatUnix }), seenAs("valid", "substantial", "identity")),

		// Evidence against level (§4.5).
		g.plain("evidence_insufficient_high_self_asserted", "level high with evidence self_asserted", levelEvidence(3, 1), seenAs("evidence_insufficient", "high", "identity")),
		g.plain("evidence_insufficient_high_none", "level high with evidence none", levelEvidence(3, 0), seenAs("evidence_insufficient", "high", "identity")),
		g.plain("evidence_insufficient_high_remote_face_match", "level high with a remote face match only", levelEvidence(3, 2), seenAs("evidence_insufficient", "high", "identity")),
		g.plain("evidence_insufficient_substantial_self_asserted", "level substantial with evidence self_asserted", levelEvidence(2, 1), seenAs("evidence_insufficient", "substantial", "identity")),
		g.plain("evidence_insufficient_before_schema", "level low with evidence none on an identity credential (whose min_level is substantial): evidence is checked first", levelEvidence(1, 0), seenAs("evidence_insufficient", "low", "identity")),
		g.plain("valid_high_in_person_document", "level high with an in-person document check", levelEvidence(3, 3), seenAs("valid", "high", "identity")),
		g.plain("valid_substantial_stronger_evidence", "level substantial with an in-person document check (stronger evidence than needed)", levelEvidence(2, 3), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_evidence_unknown", "evidence 4 is not defined", levelEvidence(2, 4), bad(credential.ReasonClaims)),
		g.plain("malformed_level_zero", "level 0 is not defined", levelEvidence(0, 2), bad(credential.ReasonClaims)),
		g.plain("malformed_level_unknown", "level 4 is not defined", levelEvidence(4, 3), bad(credential.ReasonClaims)),

		// Key kinds (§4.1, §4.2).
		g.plain("malformed_attribute_text_key", "an attribute with the text key \"name\"", attrs(func(a map[any]any) { a["name"] = "王小明" }), bad(credential.ReasonClaims)),
		g.plain("malformed_attribute_bytes_key", "an attribute with a byte string key", attrs(func(a map[any]any) { a[cbor.ByteString("\x01")] = "x" }), bad(credential.ReasonClaims)),
		g.plain("malformed_attribute_key_above_int64", "an attribute key of 2^63, outside the signed 64-bit range", attrs(func(a map[any]any) { a[uint64(1<<63)] = "x" }), bad(credential.ReasonClaims)),
		g.plain("schema_invalid_attribute_negative_key", "an attribute with the integer key -1, which the schema does not define", attrs(func(a map[any]any) { a[int64(-1)] = "x" }), seenAs("schema_invalid", "substantial", "identity")),
		g.plain("schema_invalid_attribute_unknown_key", "an attribute with the integer key 7, which the schema does not define", attrs(func(a map[any]any) { a[int64(7)] = "x" }), seenAs("schema_invalid", "substantial", "identity")),
		g.plain("schema_invalid_attribute_key_24", "an attribute with the integer key 24 (schemas use 1 to 23)", attrs(func(a map[any]any) { a[int64(24)] = "x" }), seenAs("schema_invalid", "substantial", "identity")),
		g.plain("valid_unknown_claims_ignored", "unknown claims with an integer key (100), a negative one (-100) and a text key (\"note\") are ignored",
			with(func(m map[any]any) {
				m[int64(100)], m[int64(-100)], m["note"] = "x", []any{uint64(1)}, map[any]any{"a": true}
			}), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_claim_bytes_key", "a claim with a byte string key", with(func(m map[any]any) { m[cbor.ByteString("\x01")] = "x" }), bad(credential.ReasonClaims)),
		g.plain("malformed_claim_key_above_int64", "a claim key of 2^63", with(func(m map[any]any) { m[uint64(1<<63)] = "x" }), bad(credential.ReasonClaims)),
		g.plain("malformed_iss_not_text", "iss as a byte string", with(func(m map[any]any) { m[int64(1)] = []byte("cn.gov.id") }), bad(credential.ReasonClaims)),
		g.plain("malformed_cti_not_bytes", "cti as a text string", with(func(m map[any]any) { m[int64(7)] = "cafe" }), bad(credential.ReasonClaims)),
		g.plain("malformed_cnf_not_map", "cnf as a byte string", with(func(m map[any]any) { m[int64(8)] = []byte{1} }), bad(credential.ReasonClaims)),
		g.plain("malformed_type_zero", "credential type 0", with(func(m map[any]any) { m[int64(-65537)].([]any)[0] = uint64(0) }), bad(credential.ReasonClaims)),
		g.plain("malformed_attributes_not_map", "the attributes as an array", with(func(m map[any]any) { m[int64(-65537)].([]any)[4] = []any{"王小明"} }), bad(credential.ReasonClaims)),
		// Which sub-code wins among claims rules (§4.1).
		g.plain("malformed_claim_order_before_missing_netcred", "iat = 0 and no netcred claim: each claim is judged on its own first",
			with(func(m map[any]any) { m[int64(6)] = uint64(0); delete(m, int64(-65537)) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_missing_netcred_before_date_order", "no netcred claim and exp equal to iat: a missing netcred claim comes before the order of the dates",
			with(func(m map[any]any) { m[int64(4)] = iatUnix; delete(m, int64(-65537)) }), bad(credential.ReasonClaims)),
		g.plain("malformed_date_order_before_level", "exp equal to iat and level 300: the order of the dates comes before the level",
			with(func(m map[any]any) { m[int64(4)] = iatUnix; m[int64(-65537)].([]any)[2] = uint64(300) }), bad(credential.ReasonClaimsDate)),
		g.plain("malformed_level_past_a_byte", "level 258 (2 + 256: not level 2 in a byte)", levelEvidence(258, 2), bad(credential.ReasonClaims)),
		g.plain("malformed_netcred_claim_four_items", "the netcred claim without its attributes", with(func(m map[any]any) { m[int64(-65537)] = m[int64(-65537)].([]any)[:4] }), bad(credential.ReasonClaims)),

		// The status claim (§4.3).
		g.plain("malformed_status_empty_uri", "status_list with uri \"\"", status(map[any]any{"status_list": map[any]any{"idx": uint64(1), "uri": ""}}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_without_status_list", "a status claim with another mechanism only", status(map[any]any{"other_mechanism": map[any]any{"x": uint64(1)}}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_empty_map", "a status claim that is the empty map", status(map[any]any{}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_missing_idx", "status_list without idx", status(map[any]any{"status_list": map[any]any{"uri": "https://id.gov.cn/s/3"}}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_idx_negative", "status_list idx = -1", status(map[any]any{"status_list": map[any]any{"idx": int64(-1), "uri": "https://id.gov.cn/s/3"}}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_uri_bytes", "status_list uri as a byte string", status(map[any]any{"status_list": map[any]any{"idx": uint64(1), "uri": []byte("https://id.gov.cn/s/3")}}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_not_map", "a status claim that is an array", status([]any{"status_list"}), bad(credential.ReasonClaimsStatus)),
		g.plain("malformed_status_integer_key", "a status claim with an integer key", status(map[any]any{int64(1): uint64(1), "status_list": map[any]any{"idx": uint64(1), "uri": "https://id.gov.cn/s/3"}}), bad(credential.ReasonClaimsStatus)),
		g.plain("valid_status_extra_members", "extra members in status and in status_list are ignored",
			status(map[any]any{"status_list": map[any]any{"idx": uint64(734512), "uri": "https://id.gov.cn/s/3", "ext": true}, "other_mechanism": map[any]any{"x": uint64(1)}}),
			seenAs("valid", "substantial", "identity")),

		// The other §2 rules, inside a claims set.
		g.plain("malformed_claim_tag", "an unknown claim holding a tagged value (tag 1, epoch time)", with(func(m map[any]any) { m[int64(100)] = cbor.Tag{Number: 1, Content: uint64(0)} }), bad(strictcbor.ReasonTag)),
		g.plain("malformed_claim_invalid_utf8", "sub is a text string that is not valid UTF-8", signRaw(invalidUTF8Sub(ref)), bad(strictcbor.ReasonInvalidUTF8)),
		g.plain("malformed_claim_undefined", "an unknown claim holding the simple value undefined", with(func(m map[any]any) { m[int64(100)] = cbor.SimpleValue(23) }), bad(strictcbor.ReasonFloatOrSimple)),

		// Nesting depth and sizes (§2). The claims map is at depth 1.
		g.plain("valid_nesting_depth_8", "an unknown claim holding 7 nested arrays: the innermost array is at depth 8", with(func(m map[any]any) { m[int64(100)] = nested(7) }), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_nesting_depth_9", "an unknown claim holding 8 nested arrays: the innermost array is at depth 9", with(func(m map[any]any) { m[int64(100)] = nested(8) }), bad(strictcbor.ReasonDepth)),
		g.plain("valid_array_64_items", "an unknown claim holding an array of 64 items", with(func(m map[any]any) { m[int64(100)] = zeros(64) }), seenAs("valid", "substantial", "identity")),
		g.plain("malformed_array_65_items", "an unknown claim holding an array of 65 items", with(func(m map[any]any) { m[int64(100)] = zeros(65) }), bad(strictcbor.ReasonTooManyItems)),
	}
	return vs, nil
}

// qrTextVectors pin §6: the length limit counts the text as given, before
// the surrounding whitespace is trimmed; only ASCII whitespace is trimmed.
func qrTextVectors(g *gen) ([]spec.Vector, error) {
	ref := qr(g.sign(identity(), g.ed))
	pad := func(n int) string { return ref + strings.Repeat(" ", n-len(ref)) }
	return []spec.Vector{
		g.plain("valid_text_surrounding_whitespace", "space, tab, CR and LF around the text are ignored", " \t\r\n"+ref+"\r\n", seenAs("valid", "substantial", "identity")),
		g.plain("valid_text_padded_to_limit", "trailing spaces up to exactly 6212 characters", pad(credential.MaxQRTextLen), seenAs("valid", "substantial", "identity")),
		g.plain("too_large_text_padded_past_limit", "trailing spaces up to 6213 characters: the limit counts before trimming", pad(credential.MaxQRTextLen+1), code("too_large")),
		g.plain("malformed_text_no_break_space", "a trailing U+00A0 (no-break space) is not trimmed", ref+"\u00a0", bad(credential.ReasonBase45)),
		g.plain("malformed_text_prefix_only", "the prefix and nothing after it", credential.QRPrefix, bad(credential.ReasonBase45)),
		g.plain("malformed_deflate_trailing_byte", "a byte after the end of the DEFLATE stream", plainQR(append(credentialDeflate(g.sign(identity(), g.ed)), 0x00)), bad(credential.ReasonDeflate)),
		g.plain("malformed_text_inner_newline", "a line break inside the text", ref[:20]+"\n"+ref[20:], bad(credential.ReasonBase45)),
		g.plain("malformed_base45_length_1_mod_3", "the base45 text is one character longer than a whole number of groups (a length of 1 mod 3)", oneModThree(ref), bad(credential.ReasonBase45)),
		g.plain("malformed_base45_overflow", `the group "GGW" is 65536, past the 65535 a group may hold`, credential.QRPrefix+"GGW", bad(credential.ReasonBase45)),
		g.plain("malformed_deflate_not_cose", "a DEFLATE stream that inflates to a CBOR array, not a tagged COSE_Sign1 (first byte 0x84, not 0xD2)", plainQR(notCOSEDeflate()), bad(credential.ReasonDeflate)),
		g.plain("too_large_cose_4097_bytes", "an uncompressed body of 4097 bytes starting 0xD2: past 4096 before any decoding, though the text is within 6212", plainQR(append([]byte{0xd2}, make([]byte, 4096)...)), code("too_large")),
	}, nil
}

// oneModThree appends characters to QR text so that its base45 part has a
// length of 1 mod 3.
func oneModThree(text string) string {
	body := strings.TrimPrefix(text, credential.QRPrefix)
	switch len(body) % 3 {
	case 0:
		return text + "0"
	case 2:
		return text + "00"
	}
	return text
}

// notCOSEDeflate is a raw DEFLATE stream of an untagged COSE_Sign1 shape.
func notCOSEDeflate() []byte {
	d := credentialDeflate([]byte{0x84, 0x40, 0xa0, 0x40, 0x40})
	if d[0] == 0xd2 {
		panic("vectorgen: the DEFLATE stream starts with 0xD2")
	}
	return d
}

// invalidUTF8Sub adds sub = the text string "\xff" (invalid UTF-8) to the
// reference payload: a5 04 .. 02 61 ff 06 ..., after exp (keys in order).
func invalidUTF8Sub(ref []byte) []byte {
	out := []byte{0xa5, 0x02, 0x61, 0xff}
	return append(out, ref[1:]...)
}
