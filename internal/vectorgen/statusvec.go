package main

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
	"github.com/netcred/netcred/status"
)

// The status vectors pin status.md §1, §4 and §5 as they follow
// draft-ietf-oauth-status-list-20: value 3, lists past their exp, and the
// token's claims (strict, canonical, ttl positive).

func init() { register(statusVectors) }

// statusTrust builds the trust fixture of trust.go (same fixed keys).
func statusTrust(g *gen) (*trustGen, error) {
	t := &trustGen{gen: g, bundleAt: iat.Add(-time.Hour)}
	var err error
	if t.root, err = keys.NewPrivateKey(fixedEd25519("root")); err != nil {
		return nil, err
	}
	if t.otherRoot, err = keys.NewPrivateKey(fixedEd25519("unpinned-root")); err != nil {
		return nil, err
	}
	t.rail, err = keys.NewPrivateKey(fixedEd25519("rail-issuer"))
	return t, err
}

// tokenClaims signs a Status List Token from a claims map, to build
// tokens SignToken would not write.
func (t *trustGen) tokenClaims(claims map[any]any) string {
	p, err := cbormode.EncMode.Marshal(claims)
	if err != nil {
		panic(err)
	}
	return t.tokenPayload(p)
}

func (t *trustGen) tokenPayload(p []byte) string {
	tok, err := sign.Payload(p, status.TokenTyp, t.ed.Algorithm(), t.ed.KID(), t.ed.Signer())
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(tok)
}

// zlibZeros is the zlib stream (RFC 1950) of n zero bytes.
func zlibZeros(n int) []byte {
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := w.Write(make([]byte, n)); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func statusVectors(g *gen) ([]spec.Vector, error) {
	t, err := statusTrust(g)
	if err != nil {
		return nil, err
	}
	roots := []string{t.root.Public().Thumbprint()}
	bundle := t.signBundle(t.bundle(5, t.authorization(credential.LevelHigh, "identity", "ticket")), t.root)
	trustWith := func(lists ...string) *spec.VectorTrust {
		return &spec.VectorTrust{Roots: roots, Bundle: bundle, StatusLists: lists}
	}
	listAt := iat.Add(30 * time.Minute)
	listExp := listAt.Add(48 * time.Hour) // t.list signs lists valid for 48 hours
	fresh := t.list(govList, t.ed, listAt, nil)
	revoked := t.list(govList, t.ed, listAt, map[uint64]status.Status{refIdx: status.Revoked})
	suspended := t.list(govList, t.ed, listAt, map[uint64]status.Status{refIdx: status.Suspended})

	// A list whose entry for the reference credential is 3.
	l, err := status.New(status.DefaultSize)
	if err != nil {
		return nil, err
	}
	b := l.Bytes()
	b[refIdx/4] |= 3 << (refIdx % 4 * 2)
	l3, err := status.FromBytes(b)
	if err != nil {
		return nil, err
	}
	tok3, err := sign.StatusToken(l3, govList, listAt, 48*time.Hour, time.Hour, t.ed.Algorithm(), t.ed.KID(), t.ed.Signer())
	if err != nil {
		return nil, err
	}
	value3 := hex.EncodeToString(tok3)

	ref := qr(g.sign(identity(), g.ed))
	v := func(name, comment string, tr *spec.VectorTrust, policy spec.VectorPolicy, code string) spec.Vector {
		e := seenAs(code, "substantial", "identity")
		e.Verdict = verdictOf(code)
		return spec.Vector{Name: name, Comment: comment, Input: ref, Trust: tr, Policy: policy, Expect: e}
	}
	at := func(d time.Time, allowStale bool) spec.VectorPolicy {
		return spec.VectorPolicy{At: d.Format(time.RFC3339), AllowStaleStatus: allowStale}
	}
	afterExp := listExp.Add(time.Hour)
	vs := []spec.Vector{
		v("status_invalid_value_3", "the entry is 3, application-specific in the draft: netcred gives it no meaning", trustWith(value3), at(iat.Add(time.Hour), false), "status_invalid"),
		v("revoked_in_expired_list", "a list past its exp that says revoked: a revocation is final, so it still counts", trustWith(revoked), at(afterExp, false), "revoked"),
		v("status_stale_expired_list_stale_allowed", "a list past its exp that says valid, under a policy that accepts stale lists: never proof of validity", trustWith(fresh), at(afterExp, true), "status_stale"),
		v("status_stale_at_list_exp", "verified exactly at the list's exp, stale lists accepted: at ≥ exp is past it", trustWith(fresh), at(listExp, true), "status_stale"),
		v("trust_valid_stale_list_before_exp_allowed", "a list 25 hours old (past the maximum status age) but a second before its exp, stale lists accepted: valid with a warning", trustWith(fresh),
			at(listExp.Add(-time.Second), true), "valid"),
		v("status_stale_suspended_in_expired_list", "a list past its exp that says suspended: a suspension may have been lifted since, so undetermined", trustWith(suspended), at(afterExp, true), "status_stale"),
		v("suspended_in_stale_list", "a list older than the maximum status age (but before its exp) that says suspended", trustWith(suspended), at(listAt.Add(25*time.Hour), false), "suspended"),
	}

	// Trust store updates with tokens SignToken would not write.
	small, err := status.New(1024)
	if err != nil {
		return nil, err
	}
	lst, err := small.MarshalCBOR()
	if err != nil {
		return nil, err
	}
	claims := func(mod func(m map[any]any)) map[any]any {
		m := map[any]any{int64(2): govList, int64(6): listAt.Unix(), int64(4): listExp.Unix(),
			int64(65534): uint64(3600), int64(65533): cbor.RawMessage(lst)}
		mod(m)
		return m
	}
	good := claims(func(map[any]any) {})
	p, err := cbormode.EncMode.Marshal(good)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(p, []byte{0x04, 0x1a}) // exp, after sub
	longExp := append(append(append([]byte{}, p[:i]...), 0x04, 0x1b, 0, 0, 0, 0), p[i+2:]...)
	// The store's clock (status.md §8): an hour after the tokens' iat.
	upd := func(name, comment, token, code string) spec.Vector {
		return spec.Vector{Name: name, Comment: comment, Kind: spec.KindTrustUpdate, Trust: trustWith(),
			Policy: at(listAt.Add(time.Hour), false),
			Update: &spec.VectorTrust{StatusLists: []string{token}}, Expect: spec.VectorExpect{Code: code, Valid: code == "ok"}}
	}
	// withList returns the claims with the Status List map changed by mod.
	withList := func(mod func(m map[string]any)) map[any]any {
		var m map[string]any
		if err := cbor.Unmarshal(lst, &m); err != nil {
			panic(err)
		}
		mod(m)
		b, err := cbormode.EncMode.Marshal(m)
		if err != nil {
			panic(err)
		}
		return claims(func(c map[any]any) { c[int64(65533)] = cbor.RawMessage(b) })
	}
	zlibOf := func(m map[string]any) []byte { return m["lst"].([]byte) }
	vs = append(vs,
		upd("update_ok_list_without_ttl", "a token without ttl (optional in the draft; netcred always writes one)", t.tokenClaims(claims(func(m map[any]any) { delete(m, int64(65534)) })), "ok"),
		upd("status_list_invalid_ttl_zero", "a token with ttl 0 (the draft wants a positive number)", t.tokenClaims(claims(func(m map[any]any) { m[int64(65534)] = uint64(0) })), "status_list_invalid"),
		upd("status_list_invalid_not_canonical", "a token whose exp is a non-shortest integer: token claims are held to credential.md §2", t.tokenPayload(longExp), "status_list_invalid"),
		upd("status_list_invalid_ttl_null", "a token with a null ttl: not an unsigned integer, and not an absent ttl either", t.tokenClaims(claims(func(m map[any]any) { m[int64(65534)] = nil })), "status_list_invalid"),
		upd("status_list_invalid_sub_text_key", "a token whose sub is under the text key \"2\": claims are named by integer keys, so the token has no sub", t.tokenClaims(claims(func(m map[any]any) { m["2"] = m[int64(2)]; delete(m, int64(2)) })), "status_list_invalid"),
		upd("status_list_invalid_no_exp", "a token without exp (required in netcred)", t.tokenClaims(claims(func(m map[any]any) { delete(m, int64(4)) })), "status_list_invalid"),
		upd("status_list_invalid_no_sub", "a token without sub (the list's uri)", t.tokenClaims(claims(func(m map[any]any) { delete(m, int64(2)) })), "status_list_invalid"),
		upd("status_list_invalid_no_iat", "a token without iat", t.tokenClaims(claims(func(m map[any]any) { delete(m, int64(6)) })), "status_list_invalid"),
		upd("status_list_invalid_no_status_list", "a token without the status_list claim (65533)", t.tokenClaims(claims(func(m map[any]any) { delete(m, int64(65533)) })), "status_list_invalid"),
		upd("update_ok_list_ttl_max", "a token with ttl 2^33, the largest accepted", t.tokenClaims(claims(func(m map[any]any) { m[int64(65534)] = uint64(1 << 33) })), "ok"),
		upd("status_list_invalid_ttl_above_max", "a token with ttl 2^33 + 1", t.tokenClaims(claims(func(m map[any]any) { m[int64(65534)] = uint64(1<<33 + 1) })), "status_list_invalid"),
		upd("status_list_invalid_ttl_text", "a token whose ttl is the text \"3600\", not an unsigned integer", t.tokenClaims(claims(func(m map[any]any) { m[int64(65534)] = "3600" })), "status_list_invalid"),
		upd("status_list_invalid_bits_1", "a Status List with bits 1: netcred's profile is 2 bits per entry (status.md §3)", t.tokenClaims(withList(func(m map[string]any) { m["bits"] = uint64(1) })), "status_list_invalid"),
		upd("status_list_invalid_list_unknown_key", "a Status List with a member other than bits, lst and aggregation_uri", t.tokenClaims(withList(func(m map[string]any) { m["extra"] = uint64(1) })), "status_list_invalid"),
		upd("update_ok_list_aggregation_uri", "a Status List with the draft's optional aggregation_uri: accepted", t.tokenClaims(withList(func(m map[string]any) { m["aggregation_uri"] = "https://id.gov.cn/s/all" })), "ok"),
		upd("status_list_invalid_lst_not_zlib", "a Status List whose lst is not a zlib stream", t.tokenClaims(withList(func(m map[string]any) { m["lst"] = []byte{1, 2, 3, 4} })), "status_list_invalid"),
		upd("status_list_invalid_lst_trailing_byte", "a Status List whose lst has a byte after the zlib stream's checksum", t.tokenClaims(withList(func(m map[string]any) { m["lst"] = append(append([]byte{}, zlibOf(m)...), 0) })), "status_list_invalid"),
		upd("status_list_invalid_lst_over_4_mib", "a Status List whose lst inflates to 4 MiB and one byte, a few kilobytes compressed (a zip bomb)", t.tokenClaims(withList(func(m map[string]any) { m["lst"] = zlibZeros(4<<20 + 1) })), "status_list_invalid"),
		upd("status_list_invalid_lst_truncated", "a Status List whose lst ends before the zlib stream's checksum", t.tokenClaims(withList(func(m map[string]any) { z := zlibOf(m); m["lst"] = z[:len(z)-2] })), "status_list_invalid"),
	)
	return vs, nil
}
