package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
	"github.com/netcred/netcred/status"
)

// bundleVectors are the trust_update vectors of spec/bundle.md's edge
// cases: the JWS profile (§2.1, §2.2, §2.4), the payload's JSON rules and
// validation (§3.1 to §3.6), the built-in schema ids (§3.5) and the
// authorization of status list tokens (§4.2). The keys are fixed, so
// an error is a bug in the generator: it panics.
func bundleVectors(g *gen) []spec.Vector {
	vs, err := bundleVectorsErr(g)
	if err != nil {
		panic(err)
	}
	return vs
}

func bundleVectorsErr(g *gen) ([]spec.Vector, error) {
	t := &trustGen{gen: g, bundleAt: iat.Add(-time.Hour)}
	var err error
	if t.root, err = keys.NewPrivateKey(fixedEd25519("root")); err != nil {
		return nil, err
	}
	if t.rail, err = keys.NewPrivateKey(fixedEd25519("rail-issuer")); err != nil {
		return nil, err
	}
	roots := []string{t.root.Public().Thumbprint()}
	high := t.authorization(credential.LevelHigh, "identity", "ticket")
	stored := &spec.VectorTrust{Roots: roots, Bundle: t.signBundle(t.bundle(5, high), t.root)}
	next := t.bundle(6, high)
	nextJWS := t.signBundle(next, t.root)
	payload, err := next.MarshalJSON()
	if err != nil {
		return nil, err
	}
	header := t.rootHeader()
	// jws signs header and payload with the pinned root, as Sign would.
	jws := func(header map[string]any, payload []byte) string {
		h, err := json.Marshal(header)
		if err != nil {
			panic(err)
		}
		return rawJWS(h, payload, t.root)
	}
	edit := func(h map[string]any, k string, v any) map[string]any {
		out := make(map[string]any, len(h))
		for name, value := range h {
			out[name] = value
		}
		out[k] = v
		return out
	}
	parts := strings.Split(nextJWS, ".")
	flattened, err := json.Marshal(map[string]string{"protected": parts[0], "payload": parts[1], "signature": parts[2]})
	if err != nil {
		return nil, err
	}
	general, err := json.Marshal(map[string]any{"payload": parts[1], "signatures": []map[string]string{{"protected": parts[0], "signature": parts[2]}}})
	if err != nil {
		return nil, err
	}
	headerJSON, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	builtinMoved := t.bundle(6, high)
	for i := range builtinMoved.Schemas {
		if builtinMoved.Schemas[i].Name == "identity" {
			builtinMoved.Schemas[i].ID = 7
		}
	}
	builtinMovedJSON, err := json.Marshal(builtinMoved)
	if err != nil {
		return nil, err
	}
	builtinTaken := t.bundle(6, high)
	builtinTaken.Schemas = []bundle.Schema{{Name: "passport", ID: 1, Version: 1, Digest: builtinTaken.Schemas[0].Digest}}
	builtinTakenJSON, err := json.Marshal(builtinTaken)
	if err != nil {
		return nil, err
	}

	// A JWK whose x has non-zero unused bits (§2.3): in an issuer key of
	// the payload, and as the root's jwk in the header.
	edX := base64.RawURLEncoding.EncodeToString(t.ed.Public().Key().(ed25519.PublicKey))
	loose := func(s string) string {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		return s[:len(s)-1] + string(alphabet[strings.IndexByte(alphabet, s[len(s)-1])|1])
	}
	looseIssuerJWK := []byte(strings.Replace(string(payload), `"x":"`+edX+`"`, `"x":"`+loose(edX)+`"`, 1))
	rootX := base64.RawURLEncoding.EncodeToString(t.root.Public().Key().(ed25519.PublicKey))
	looseRootHeader := []byte(strings.Replace(string(headerJSON), `"x":"`+rootX+`"`, `"x":"`+loose(rootX)+`"`, 1))

	// Status list tokens and the authorization of their signer (§4.2).
	listAt := iat.Add(30 * time.Minute)
	withdrawn := t.authorization(credential.LevelHigh, "identity")
	w := listAt
	withdrawn.RevokedAt = &w
	retired := t.authorization(credential.LevelHigh, "identity")
	r := listAt.Add(time.Second)
	retired.NotAfter = &r
	notYet := t.authorization(credential.LevelHigh, "identity")
	notYet.NotBefore = listAt.Add(time.Second)
	storedWith := func(auth bundle.Authorization) *spec.VectorTrust {
		return &spec.VectorTrust{Roots: roots, Bundle: t.signBundle(t.bundle(5, auth), t.root)}
	}
	list := func(uri string, signer *keys.PrivateKey) *spec.VectorTrust {
		return &spec.VectorTrust{StatusLists: []string{t.list(uri, signer, listAt, map[uint64]status.Status{refIdx: status.Valid})}}
	}

	// As in trust.go: judged by the store's clock at policy.at; a refused
	// update leaves the store as it was, an accepted one holds the stored
	// bundle and the offered lists.
	upd := func(name, comment string, stored, offered *spec.VectorTrust, code string) spec.Vector {
		after := &spec.VectorTrust{Bundle: stored.Bundle, StatusLists: stored.StatusLists}
		if code == "ok" {
			after.StatusLists = append(append([]string{}, stored.StatusLists...), offered.StatusLists...)
		}
		return spec.Vector{Name: name, Comment: comment, Kind: spec.KindTrustUpdate, Trust: stored, Update: offered,
			Policy: spec.VectorPolicy{At: verifyAt}, Expect: spec.VectorExpect{Code: code, Valid: code == "ok", Stored: after}}
	}
	bundleUpdate := func(jws string) *spec.VectorTrust { return &spec.VectorTrust{Bundle: jws} }
	// replaced signs the payload with its first old replaced by new.
	replaced := func(old, new string) *spec.VectorTrust {
		if !strings.Contains(string(payload), old) {
			panic("vectorgen: bundle payload has no " + old)
		}
		return bundleUpdate(jws(header, []byte(strings.Replace(string(payload), old, new, 1))))
	}
	without := func(h map[string]any, k string) map[string]any {
		out := edit(h, k, nil)
		delete(out, k)
		return out
	}
	var rootJWK map[string]any
	if err := json.Unmarshal(header["jwk"].(json.RawMessage), &rootJWK); err != nil {
		return nil, err
	}
	privateRoot := edit(rootJWK, "d", base64.RawURLEncoding.EncodeToString(t.root.Signer().(ed25519.PrivateKey).Seed()))
	otherSig := strings.Split(t.signBundle(t.bundle(7, high), t.root), ".")[2]
	// The stored bundle's first key object, listed twice under its issuer.
	firstKey := string(payload)[strings.Index(string(payload), `{"jwk":`):]
	firstKey = firstKey[:strings.Index(firstKey, `Z"}`)+len(`Z"}`)]
	vs := []spec.Vector{
		upd("bundle_malformed_header_crit", "the protected header has a crit member: only alg, jwk, kid and typ are allowed (§2.2)", stored, bundleUpdate(jws(edit(header, "crit", []string{"b64"}), payload)), "bundle_malformed"),
		upd("bundle_malformed_typ_media_type", `typ "application/netcred-bundle+json": the equivalent spelling is refused, typ is compared byte for byte`, stored, bundleUpdate(jws(edit(header, "typ", "application/netcred-bundle+json"), payload)), "bundle_malformed"),
		upd("bundle_malformed_typ_missing", "a protected header without typ", stored, bundleUpdate(jws(without(header, "typ"), payload)), "bundle_malformed"),
		upd("bundle_malformed_kid_missing", "a protected header without kid", stored, bundleUpdate(jws(without(header, "kid"), payload)), "bundle_malformed"),
		upd("bundle_untrusted_kid_other", "the header's kid is not the kid of its jwk", stored, bundleUpdate(jws(edit(header, "kid", "AAAAAAAAAAA"), payload)), "bundle_untrusted"),
		upd("bundle_untrusted_alg_not_the_keys", "alg ES256 over the root's Ed25519 jwk: alg must equal the jwk's alg", stored, bundleUpdate(jws(edit(header, "alg", "ES256"), payload)), "bundle_untrusted"),
		upd("bundle_untrusted_alg_hs256", "alg HS256", stored, bundleUpdate(jws(edit(header, "alg", "HS256"), payload)), "bundle_untrusted"),
		upd("bundle_untrusted_jwk_missing", "a protected header without jwk", stored, bundleUpdate(jws(without(header, "jwk"), payload)), "bundle_untrusted"),
		upd("bundle_untrusted_jwk_private", "the header's jwk carries the root's private key d", stored, bundleUpdate(jws(edit(header, "jwk", privateRoot), payload)), "bundle_untrusted"),
		upd("bundle_untrusted_signature_of_another_payload", "serial 6 with the signature of another bundle by the pinned root", stored, bundleUpdate(strings.Join(append(strings.Split(nextJWS, ".")[:2], otherSig), ".")), "bundle_untrusted"),
		upd("bundle_malformed_unknown_member", `a payload member "Serial" beside "serial": names are case-sensitive, unknown ones refused`, stored, replaced(`{"serial":6,`, `{"Serial":6,"serial":6,`), "bundle_malformed"),
		upd("bundle_malformed_duplicate_member", "the payload names serial twice", stored, replaced(`{"serial":6,`, `{"serial":6,"serial":6,`), "bundle_malformed"),
		upd("bundle_malformed_null", "a key with not_after null: an optional member is absent, never null", stored, replaced(`"not_before":`, `"not_after":null,"not_before":`), "bundle_malformed"),
		upd("bundle_malformed_serial_zero", "serial 0 (serials start at 1)", stored, replaced(`{"serial":6,`, `{"serial":0,`), "bundle_malformed"),
		upd("bundle_malformed_serial_fraction", "serial 6.0: integers have no fraction", stored, replaced(`{"serial":6,`, `{"serial":6.0,`), "bundle_malformed"),
		upd("bundle_malformed_serial_above_2_53", "serial 2^53", stored, replaced(`{"serial":6,`, `{"serial":9007199254740992,`), "bundle_malformed"),
		upd("bundle_malformed_time_lower_case_z", "issued_at with a lower-case z", stored, replaced(`Z","next_update"`, `z","next_update"`), "bundle_malformed"),
		upd("bundle_malformed_time_leap_second", "a key's not_before at second 60", stored, replaced(`:00Z"}`, `:60Z"}`), "bundle_malformed"),
		upd("bundle_malformed_status_uri_fragment", "a status list URI with a fragment", stored, replaced(`"https://id.gov.cn/s/3"`, `"https://id.gov.cn/s/3#x"`), "bundle_malformed"),
		upd("bundle_malformed_status_uri_twice", "one status list URI listed twice", stored, replaced(`"https://id.gov.cn/s/4"`, `"https://id.gov.cn/s/3"`), "bundle_malformed"),
		upd("bundle_malformed_duplicate_kid", "one issuer key listed twice: no kid twice in a bundle", stored, replaced(firstKey, firstKey+","+firstKey), "bundle_malformed"),
		upd("bundle_malformed_key_without_types", "a key object without types: a key has no default authorization", stored, replaced(`"types":["identity","ticket"],`, ``), "bundle_malformed"),
		upd("bundle_malformed_jwk_over_64_kib", "an issuer jwk of more than 65 536 bytes (an ignored member padded): refused before its members are judged (§2.3)", stored, replaced(`{"jwk":{`, `{"jwk":{"note":"`+strings.Repeat("a", 65536)+`",`), "bundle_malformed"),
		upd("bundle_malformed_issuer_id_upper_case", "an issuer id with an upper-case letter", stored, replaced(`"id":"cn.gov.id"`, `"id":"CN.gov.id"`), "bundle_malformed"),
	}
	return append(vs, []spec.Vector{
		upd("bundle_malformed_byte_order_mark", "serial 6 preceded by a UTF-8 byte-order mark", stored, bundleUpdate("\ufeff"+nextJWS), "bundle_malformed"),
		upd("bundle_malformed_byte_order_mark_payload", "the signed payload starts with a UTF-8 byte-order mark", stored, bundleUpdate(jws(header, append([]byte("\ufeff"), payload...))), "bundle_malformed"),
		upd("bundle_malformed_byte_order_mark_header", "the signed protected header starts with a UTF-8 byte-order mark", stored, bundleUpdate(rawJWS(append([]byte("\ufeff"), headerJSON...), payload, t.root)), "bundle_malformed"),
		upd("bundle_malformed_alg_number", "the protected header's alg is the number 1, not a string: malformed before the allow-list", stored, bundleUpdate(jws(edit(header, "alg", 1), payload)), "bundle_malformed"),
		upd("bundle_malformed_alg_null", "the protected header's alg is null", stored, bundleUpdate(jws(edit(header, "alg", nil), payload)), "bundle_malformed"),
		upd("bundle_malformed_alg_array", `the protected header's alg is ["EdDSA"]`, stored, bundleUpdate(jws(edit(header, "alg", []string{"EdDSA"}), payload)), "bundle_malformed"),
		upd("bundle_malformed_typ_number_beats_alg_none", `alg "none" and typ the number 1: the member types are checked (step 3) before the alg allow-list (step 4)`, stored, bundleUpdate(jws(edit(edit(header, "alg", "none"), "typ", 1), payload)), "bundle_malformed"),
		upd("bundle_malformed_json_serialization_flattened", "serial 6 in the flattened JWS JSON serialization", stored, bundleUpdate(string(flattened)), "bundle_malformed"),
		upd("bundle_malformed_json_serialization_general", "serial 6 in the general JWS JSON serialization, one signature", stored, bundleUpdate(string(general)), "bundle_malformed"),
		upd("bundle_malformed_builtin_type_other_id", "the bundle lists the built-in type identity under id 7", stored, bundleUpdate(jws(header, builtinMovedJSON)), "bundle_malformed"),
		upd("bundle_malformed_builtin_id_other_type", "the bundle lists a type passport under id 1, the built-in identity's id", stored, bundleUpdate(jws(header, builtinTakenJSON)), "bundle_malformed"),
		upd("bundle_malformed_jwk_x_not_canonical", "an issuer key's x has non-zero unused bits in its last character (it decodes to the same key)", stored, bundleUpdate(jws(header, looseIssuerJWK)), "bundle_malformed"),
		upd("bundle_untrusted_root_jwk_x_not_canonical", "the root's jwk in the header has an x with non-zero unused bits", stored, bundleUpdate(rawJWS(looseRootHeader, payload, t.root)), "bundle_untrusted"),
		upd("update_ok_list_signed_before_retirement", "a list signed a second before its key's not_after", storedWith(retired), list(govList, t.ed), "ok"),
		upd("status_list_invalid_withdrawn_signer", "a list signed at its key's revoked_at", storedWith(withdrawn), list(govList, t.ed), "status_list_invalid"),
		upd("status_list_invalid_signer_not_yet_in_service", "a list signed a second before its key's not_before", storedWith(notYet), list(govList, t.ed), "status_list_invalid"),
		upd("status_list_invalid_unlisted", "a list of a URI that no issuer of the bundle lists, signed by a bundle key", stored, list("https://id.gov.cn/s/99", t.ed), "status_list_invalid"),
		upd("status_list_invalid_uri_case", "the list's URI differs from the listed one only in case: URIs compare octet for octet", stored, list(strings.ToUpper(govList[:12])+govList[12:], t.ed), "status_list_invalid"),
	}...), nil
}

// rootHeader is the protected header bundle.Bundle.Sign writes for t.root.
func (t *trustGen) rootHeader() map[string]any {
	jwk, err := t.root.Public().MarshalJSON()
	if err != nil {
		panic(err)
	}
	return map[string]any{"alg": string(t.root.Algorithm()), "kid": t.root.Public().KIDString(), "jwk": json.RawMessage(jwk), "typ": bundle.Type}
}

// rawJWS is a JWS compact serialization of header and payload signed by an
// Ed25519 root.
func rawJWS(header, payload []byte, root *keys.PrivateKey) string {
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig := ed25519.Sign(root.Signer().(ed25519.PrivateKey), []byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}
