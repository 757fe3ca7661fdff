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
// cases: the JWS profile (§2.1, §2.2), the built-in schema ids (§3.5) and
// the authorization of status list tokens (§4.2). The keys are fixed, so
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
	return []spec.Vector{
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
	}, nil
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
