package main

import (
	"encoding/hex"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/spec"
	"github.com/netcred/netcred/status"
)

// Trust vectors: a root, two issuers (gov: identity up to high; rail:
// tickets up to low), status lists, and the credentials of credential.md.
const (
	govList  = "https://id.gov.cn/s/3"
	govList2 = "https://id.gov.cn/s/4"
	railList = "https://rail.example/s/1"
	refIdx   = 734512
)

type trustGen struct {
	*gen
	root, otherRoot *keys.PrivateKey
	rail            *keys.PrivateKey
	bundleAt        time.Time
}

func (t *trustGen) authorization(max credential.Level, types ...string) bundle.Authorization {
	return bundle.Authorization{MaxLevel: max, Types: types, NotBefore: iat.AddDate(-1, 0, 0)}
}

// bundle returns a bundle whose gov key authorization is auth.
func (t *trustGen) bundle(serial uint64, govAuth bundle.Authorization) *bundle.Bundle {
	b := &bundle.Bundle{
		Serial: serial, IssuedAt: t.bundleAt, NextUpdate: t.bundleAt.Add(7 * 24 * time.Hour),
		Issuers: []bundle.Issuer{
			{ID: "cn.gov.id", Name: "National identity authority", StatusLists: []string{govList, govList2},
				Keys: []bundle.Key{{Key: t.ed.Public(), Authorization: govAuth}, {Key: t.es.Public(), Authorization: govAuth}}},
			{ID: "rail.example", Name: "Railway", StatusLists: []string{railList},
				Keys: []bundle.Key{{Key: t.rail.Public(), Authorization: t.authorization(credential.LevelLow, "ticket")}}},
		},
	}
	for _, s := range schemas.Builtin().Schemas() {
		b.Schemas = append(b.Schemas, bundle.Schema{Name: s.Name, ID: s.ID, Version: s.Version, Digest: s.Digest()})
	}
	return b
}

func (t *trustGen) signBundle(b *bundle.Bundle, root *keys.PrivateKey) string {
	jws, err := b.Sign(root)
	if err != nil {
		panic(err)
	}
	return string(jws)
}

// list signs a status list for uri with the given entries set.
func (t *trustGen) list(uri string, signer *keys.PrivateKey, signedAt time.Time, entries map[uint64]status.Status) string {
	l, err := status.New(status.DefaultSize)
	if err != nil {
		panic(err)
	}
	for idx, st := range entries {
		if err := l.Set(idx, st); err != nil {
			panic(err)
		}
	}
	for i := uint64(0); i < 2000; i++ { // some unrelated revocations
		l.Set(i*521+7, status.Revoked)
	}
	tok, err := sign.StatusToken(l, uri, signedAt, 48*time.Hour, time.Hour, signer.Algorithm(), signer.KID(), signer.Signer())
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(tok)
}

func trustVectors(g *gen) ([]spec.Vector, error) {
	t := &trustGen{gen: g, bundleAt: iat.Add(-time.Hour)}
	var err error
	if t.root, err = keys.NewPrivateKey(fixedEd25519("root")); err != nil {
		return nil, err
	}
	if t.otherRoot, err = keys.NewPrivateKey(fixedEd25519("unpinned-root")); err != nil {
		return nil, err
	}
	if t.rail, err = keys.NewPrivateKey(fixedEd25519("rail-issuer")); err != nil {
		return nil, err
	}
	roots := []string{t.root.Public().Thumbprint()}
	high := t.authorization(credential.LevelHigh, "identity", "ticket")
	bundle := t.signBundle(t.bundle(5, high), t.root)
	listAt := iat.Add(30 * time.Minute)
	fresh := t.list(govList, t.ed, listAt, map[uint64]status.Status{refIdx: status.Valid, 11: status.Revoked})
	revoked := t.list(govList, t.ed, listAt, map[uint64]status.Status{refIdx: status.Revoked})
	suspended := t.list(govList, t.ed, listAt, map[uint64]status.Status{refIdx: status.Suspended})
	trustWith := func(b string, lists ...string) *spec.VectorTrust {
		return &spec.VectorTrust{Roots: roots, Bundle: b, StatusLists: lists}
	}
	ref := qr(g.sign(identity(), g.ed))
	at := spec.VectorPolicy{At: verifyAt}
	v := func(name, comment, input string, tr *spec.VectorTrust, policy spec.VectorPolicy, code, level, typ string) spec.Vector {
		out := spec.Vector{Name: name, Comment: comment, Input: input, Trust: tr, Policy: policy,
			Expect: spec.VectorExpect{Code: code, Level: level, Type: typ}}
		out.Expect.Valid = code == "valid"
		out.Expect.Verdict = verdictOf(code)
		return out
	}
	claimsWith := func(mod func(*credential.Claims)) *credential.Claims {
		c := identity()
		mod(c)
		return c
	}
	highID := claimsWith(func(c *credential.Claims) {
		c.Level, c.Evidence = credential.LevelHigh, credential.EvidenceInPersonDocument
	})
	withIss := claimsWith(func(c *credential.Claims) { c.Issuer = "cn.gov.id" })
	wrongIss := claimsWith(func(c *credential.Claims) { c.Issuer = "rail.example" })
	foreignList := claimsWith(func(c *credential.Claims) { c.Status.URI = railList })
	unlisted := claimsWith(func(c *credential.Claims) { c.Status.URI = "https://id.gov.cn/s/99" })
	otherList := claimsWith(func(c *credential.Claims) { c.Status.URI = govList2 })
	beyond := claimsWith(func(c *credential.Claims) { c.Status.Index = status.DefaultSize })
	noStatus := claimsWith(func(c *credential.Claims) { c.Status = nil })
	substantialOnly := t.signBundle(t.bundle(5, t.authorization(credential.LevelSubstantial, "identity")), t.root)
	ticketOnly := t.signBundle(t.bundle(5, t.authorization(credential.LevelHigh, "ticket")), t.root)
	withdrawnBefore := t.authorization(credential.LevelHigh, "identity")
	w1 := iat.Add(-time.Minute)
	withdrawnBefore.RevokedAt = &w1
	withdrawnAfter := t.authorization(credential.LevelHigh, "identity")
	w2 := iat.Add(time.Minute)
	withdrawnAfter.RevokedAt = &w2
	retired := t.authorization(credential.LevelHigh, "identity")
	r1 := iat.Add(-time.Minute)
	retired.NotAfter = &r1
	notYet := t.authorization(credential.LevelHigh, "identity")
	notYet.NotBefore = iat.Add(time.Minute)
	small, _ := status.New(1024)
	tokenAsCredential, err := sign.StatusToken(small, govList, listAt, time.Hour, time.Hour, t.ed.Algorithm(), t.ed.KID(), t.ed.Signer())
	if err != nil {
		return nil, err
	}

	vs := []spec.Vector{
		v("trust_valid_identity", "the reference credential, trust store with a fresh list that says valid", ref, trustWith(bundle, fresh), at, "valid", "substantial", "identity"),
		v("trust_valid_es256_key", "signed by the issuer's second (ES256) key", qr(g.sign(identity(), g.es)), trustWith(bundle, fresh), at, "valid", "substantial", "identity"),
		v("trust_valid_iss_matches", "iss names the key's issuer", qr(g.sign(withIss, g.ed)), trustWith(bundle, fresh), at, "valid", "substantial", "identity"),
		v("trust_valid_no_status_claim", "a credential without a status claim: valid, with a warning", qr(g.sign(noStatus, g.ed)), trustWith(bundle, fresh), at, "valid", "substantial", "identity"),
		v("trust_valid_withdrawn_after_iat", "the key was withdrawn a minute after this credential's iat (and signed the list before that)", ref, trustWith(t.signBundle(t.bundle(5, withdrawnAfter), t.root), t.list(govList, t.ed, iat, nil)), at, "valid", "substantial", "identity"),
		v("trust_valid_stale_status_allowed", "the list is 25 hours old and the policy accepts stale lists (a warning)", ref, trustWith(bundle, fresh),
			spec.VectorPolicy{At: listAt.Add(25 * time.Hour).Format(time.RFC3339), AllowStaleStatus: true}, "valid", "substantial", "identity"),
		v("trust_valid_bundle_grace", "the bundle is an hour past next_update, within a 2-hour grace", ref, trustWith(bundle, t.list(govList, t.ed, t.bundleAt.Add(7*24*time.Hour+30*time.Minute), nil)),
			spec.VectorPolicy{At: t.bundleAt.Add(7*24*time.Hour + time.Hour).Format(time.RFC3339), BundleGrace: "2h"}, "valid", "substantial", "identity"),
		v("revoked", "the issuer's list says revoked", ref, trustWith(bundle, revoked), at, "revoked", "substantial", "identity"),
		v("suspended", "the issuer's list says suspended", ref, trustWith(bundle, suspended), at, "suspended", "substantial", "identity"),
		v("revoked_in_stale_list", "a stale list that says revoked: still revoked (invalid beats undetermined)", ref, trustWith(bundle, revoked),
			spec.VectorPolicy{At: listAt.Add(30 * time.Hour).Format(time.RFC3339)}, "revoked", "substantial", "identity"),
		v("status_invalid_foreign_list", "the status uri is another issuer's list", qr(g.sign(foreignList, g.ed)), trustWith(bundle, fresh), at, "status_invalid", "substantial", "identity"),
		v("status_invalid_unlisted", "the status uri is in no issuer's status_lists", qr(g.sign(unlisted, g.ed)), trustWith(bundle, fresh), at, "status_invalid", "substantial", "identity"),
		v("status_invalid_index", "an index past the end of the list", qr(g.sign(beyond, g.ed)), trustWith(bundle, fresh), at, "status_invalid", "substantial", "identity"),
		v("status_unavailable", "the bundle names the list but the store holds no token for it", qr(g.sign(otherList, g.ed)), trustWith(bundle, fresh), at, "status_unavailable", "substantial", "identity"),
		v("status_stale", "the list was signed 25 hours before verification (default maximum 24h)", ref, trustWith(bundle, fresh),
			spec.VectorPolicy{At: listAt.Add(25 * time.Hour).Format(time.RFC3339)}, "status_stale", "substantial", "identity"),
		v("status_stale_max_age", "a 2-hour-old list under a 1-hour maximum status age", ref, trustWith(bundle, fresh),
			spec.VectorPolicy{At: listAt.Add(2 * time.Hour).Format(time.RFC3339), MaxStatusAge: "1h"}, "status_stale", "substantial", "identity"),
		v("level_too_low_beats_stale", "a stale list and a level below the minimum: level_too_low (invalid beats undetermined)", ref, trustWith(bundle, fresh),
			spec.VectorPolicy{At: listAt.Add(25 * time.Hour).Format(time.RFC3339), MinLevel: "high"}, "level_too_low", "substantial", "identity"),
		v("bundle_expired", "verified after the bundle's next_update, no grace", ref, trustWith(bundle, t.list(govList, t.ed, t.bundleAt.Add(7*24*time.Hour+30*time.Minute), nil)),
			spec.VectorPolicy{At: t.bundleAt.Add(7*24*time.Hour + time.Hour).Format(time.RFC3339)}, "bundle_expired", "substantial", "identity"),
		v("issuer_mismatch", "iss names another issuer than the key's", qr(g.sign(wrongIss, g.ed)), trustWith(bundle, fresh), at, "issuer_mismatch", "substantial", ""),
		v("key_not_authorized_level", "a key authorized up to substantial signs high", qr(g.sign(highID, g.ed)), trustWith(substantialOnly, fresh), at, "key_not_authorized", "high", "identity"),
		v("key_not_authorized_type", "a key authorized for tickets signs an identity credential", ref, trustWith(ticketOnly, fresh), at, "key_not_authorized", "substantial", "identity"),
		v("key_not_authorized_withdrawn", "the key was withdrawn a minute before this credential's iat", ref, trustWith(t.signBundle(t.bundle(5, withdrawnBefore), t.root)), at, "key_not_authorized", "substantial", "identity"),
		v("key_not_authorized_retired", "the key was retired from issuance (not_after) before iat", ref, trustWith(t.signBundle(t.bundle(5, retired), t.root), t.list(govList, t.ed, iat.Add(-2*time.Minute), nil)), at, "key_not_authorized", "substantial", "identity"),
		v("key_not_authorized_not_yet", "the key's window starts after iat", ref, trustWith(t.signBundle(t.bundle(5, notYet), t.root), fresh), at, "key_not_authorized", "substantial", "identity"),
		v("key_not_authorized_low_tier_key_mints_high", "the railway's low-tier ticket key signs a high identity credential", qr(g.sign(highID, t.rail)), trustWith(bundle, fresh), at, "key_not_authorized", "high", "identity"),
		v("not_yet_valid_key_not_yet_in_service", "a key in service only from next week signs a credential dated next week with nbf now: not valid now",
			qr(g.sign(claimsWith(func(c *credential.Claims) {
				c.IssuedAt = iat.AddDate(0, 0, 7)
				c.Expiry = iat.AddDate(1, 0, 7)
				c.NotBefore = iat.AddDate(0, 0, 7)
			}), g.ed)),
			trustWith(t.signBundle(t.bundle(5, notYet), t.root), fresh), at, "not_yet_valid", "substantial", ""),
		v("unknown_key_not_in_bundle", "signed by a key the bundle does not list", qr(g.sign(identity(), g.ed2)), trustWith(bundle, fresh), at, "unknown_key", "", ""),
		v("wrong_typ_status_list_token", "a status list token presented as a credential", plainQR(tokenAsCredential), trustWith(bundle, fresh), at, "wrong_typ", "", ""),
	}
	// Trust store updates, judged by the store's clock at = policy.at
	// (status.md §8): the stored material is loaded, then the update
	// offered; expect.stored is what the store holds afterwards.
	upd := func(name, comment string, stored, offered *spec.VectorTrust, code string, after *spec.VectorTrust) spec.Vector {
		if after == nil && code != "ok" {
			after = &spec.VectorTrust{Bundle: stored.Bundle, StatusLists: stored.StatusLists} // refused: unchanged
		}
		return spec.Vector{Name: name, Comment: comment, Kind: spec.KindTrustUpdate, Trust: stored, Update: offered, Policy: at,
			Expect: spec.VectorExpect{Code: code, Valid: code == "ok", Stored: after}}
	}
	holds := func(b string, lists ...string) *spec.VectorTrust {
		return &spec.VectorTrust{Bundle: b, StatusLists: lists}
	}
	updateAt, _ := time.Parse(time.RFC3339, verifyAt)
	serial6 := t.signBundle(t.bundle(6, high), t.root)
	serial4 := t.signBundle(t.bundle(4, high), t.root)
	serial5b := t.signBundle(t.bundle(5, t.authorization(credential.LevelSubstantial, "identity")), t.root)
	serial6Withdrawn := t.signBundle(t.bundle(6, withdrawnBefore), t.root)
	railSignsGov := t.list(govList, t.rail, listAt, nil)
	olderValid := t.list(govList, t.ed, listAt.Add(-time.Hour), nil)
	aheadLimit := t.list(govList, t.ed, updateAt.Add(10*time.Minute), nil)
	aheadPast := t.list(govList, t.ed, updateAt.Add(10*time.Minute+time.Second), nil)
	tomorrow := t.list(govList, t.ed, updateAt.Add(24*time.Hour), nil)
	expiredRevoked := t.list(govList, t.ed, updateAt.Add(-72*time.Hour), map[uint64]status.Status{refIdx: status.Revoked}) // exp 48h after iat
	expiredBundle := t.bundle(6, high)
	expiredBundle.IssuedAt, expiredBundle.NextUpdate = updateAt.Add(-10*24*time.Hour), updateAt.Add(-3*24*time.Hour)
	serial6Expired := t.signBundle(expiredBundle, t.root)
	vs = append(vs,
		upd("update_ok_newer_bundle_expired", "serial 6, past its next_update by the store's clock, still replaces serial 5: bundle times are judged when verifying", trustWith(bundle), &spec.VectorTrust{Bundle: serial6Expired}, "ok", holds(serial6Expired)),
		upd("update_ok_newer_bundle", "serial 6 replaces serial 5", trustWith(bundle), &spec.VectorTrust{Bundle: serial6}, "ok", holds(serial6)),
		upd("update_ok_newer_bundle_keeps_lists", "serial 6 replaces serial 5; the stored list still verifies under it and is kept", trustWith(bundle, fresh), &spec.VectorTrust{Bundle: serial6}, "ok", holds(serial6, fresh)),
		upd("update_ok_newer_bundle_drops_lists", "serial 6 withdraws the key that signed the stored list before it signed it: the list is dropped", trustWith(bundle, fresh), &spec.VectorTrust{Bundle: serial6Withdrawn}, "ok", holds(serial6Withdrawn)),
		upd("update_ok_same_bundle", "the stored bundle again is a no-op", trustWith(bundle), &spec.VectorTrust{Bundle: bundle}, "ok", holds(bundle)),
		upd("update_ok_list", "a status list of the bundle's issuer", trustWith(bundle), &spec.VectorTrust{StatusLists: []string{fresh}}, "ok", holds(bundle, fresh)),
		upd("update_ok_newer_list", "a list with a later iat replaces the stored one", trustWith(bundle, olderValid), &spec.VectorTrust{StatusLists: []string{revoked}}, "ok", holds(bundle, revoked)),
		upd("update_ok_older_list_kept", "a list with an earlier iat than the stored one is not stored (not an error): the stored revocation stays", trustWith(bundle, revoked), &spec.VectorTrust{StatusLists: []string{olderValid}}, "ok", holds(bundle, revoked)),
		upd("update_ok_same_iat_list_kept", "a list with the stored one's iat but other content (a replay from before a revocation) is not stored", trustWith(bundle, revoked), &spec.VectorTrust{StatusLists: []string{fresh}}, "ok", holds(bundle, revoked)),
		upd("update_ok_list_10_minutes_ahead", "a list signed exactly 10 minutes after the store's clock (policy.at): accepted", trustWith(bundle), &spec.VectorTrust{StatusLists: []string{aheadLimit}}, "ok", holds(bundle, aheadLimit)),
		upd("update_ok_expired_list", "a list past its exp is still stored when it is the newest: it can still prove a revocation (status.md §5)", trustWith(bundle), &spec.VectorTrust{StatusLists: []string{expiredRevoked}}, "ok", holds(bundle, expiredRevoked)),
		upd("update_ok_stored_future_list_ignored", "the store holds a list signed a day after its clock: ignored at load, so a current list replaces it", trustWith(bundle, tomorrow), &spec.VectorTrust{StatusLists: []string{revoked}}, "ok", holds(bundle, revoked)),
		upd("update_ok_stored_future_list_not_held", "the store holds a list signed a day after its clock and is offered nothing new: it does not hold that list", trustWith(bundle, tomorrow), &spec.VectorTrust{Bundle: bundle}, "ok", holds(bundle)),
		upd("status_list_invalid_signed_in_future", "a list signed 10 minutes and 1 second after the store's clock (policy.at)", trustWith(bundle, fresh), &spec.VectorTrust{StatusLists: []string{aheadPast}}, "status_list_invalid", nil),
		upd("status_list_invalid_refuses_whole_update", "a new bundle with an invalid list: nothing is stored, the bundle neither", trustWith(bundle), &spec.VectorTrust{Bundle: serial6, StatusLists: []string{railSignsGov}}, "status_list_invalid", nil),
		upd("bundle_rollback", "serial 4 offered to a store holding serial 5", trustWith(bundle), &spec.VectorTrust{Bundle: serial4}, "bundle_rollback", nil),
		upd("bundle_rollback_same_serial", "serial 5 again with different content", trustWith(bundle), &spec.VectorTrust{Bundle: serial5b}, "bundle_rollback", nil),
		upd("bundle_untrusted", "a bundle signed by a root the store does not pin", trustWith(bundle), &spec.VectorTrust{Bundle: t.signBundle(t.bundle(6, high), t.otherRoot)}, "bundle_untrusted", nil),
		upd("bundle_untrusted_first", "an empty store offered a bundle of an unpinned root", &spec.VectorTrust{Roots: roots}, &spec.VectorTrust{Bundle: t.signBundle(t.bundle(1, high), t.otherRoot)}, "bundle_untrusted", nil),
		upd("bundle_malformed", "not a JWS: one segment only", trustWith(bundle), &spec.VectorTrust{Bundle: "eyJub3QiOiJhIGp3cyJ9"}, "bundle_malformed", nil),
		upd("bundle_untrusted_alg_none", "a JWS with alg none", trustWith(bundle), &spec.VectorTrust{Bundle: "eyJhbGciOiJub25lIn0.e30."}, "bundle_untrusted", nil),
		upd("status_list_invalid_other_issuer", "the railway's key signs the identity authority's list", trustWith(bundle), &spec.VectorTrust{StatusLists: []string{railSignsGov}}, "status_list_invalid", nil),
		upd("status_list_invalid_retired_signer", "a list signed after its key was retired (not_after)", trustWith(t.signBundle(t.bundle(5, retired), t.root)), &spec.VectorTrust{StatusLists: []string{fresh}}, "status_list_invalid", nil),
		upd("status_list_invalid_unknown_signer", "a list signed by a key the bundle does not list", trustWith(bundle), &spec.VectorTrust{StatusLists: []string{t.list(govList, g.ed2, listAt, nil)}}, "status_list_invalid", nil),
	)
	return vs, nil
}

func verdictOf(code string) string {
	switch code {
	case "valid":
		return "valid"
	case "status_unavailable", "status_stale", "bundle_expired":
		return "undetermined"
	}
	return "invalid"
}
