package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/spec"
	"github.com/netcred/netcred/status"
)

func init() { register(prefixVectors) }

// Status prefixes (bundle.md §3.3.1): the identity authority's lists under
// govPrefix and the railway's under railPrefix are theirs without being
// listed.
const (
	govPrefix   = "https://id.gov.cn/p/"
	railPrefix  = "https://rail.example/p/"
	govPrefixed = govPrefix + "2026/7"
)

// prefixVectors are the trust_update and credential vectors of status
// prefixes: lists under a prefix accepted, lists outside it or signed by
// another issuer refused, and bundles with malformed prefixes refused.
func prefixVectors(g *gen) ([]spec.Vector, error) {
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
	// withPrefixes is the trust vectors' bundle with status prefixes.
	withPrefixes := func(serial uint64, gov, rail []string) *bundle.Bundle {
		b := t.bundle(serial, high)
		b.Issuers[0].StatusPrefixes = gov
		b.Issuers[1].StatusPrefixes = rail
		return b
	}
	prefixed := withPrefixes(5, []string{govPrefix}, []string{railPrefix})
	prefixedJWS := t.signBundle(prefixed, t.root)
	stored := &spec.VectorTrust{Roots: roots, Bundle: prefixedJWS}
	listAt := iat.Add(30 * time.Minute)
	list := func(uri string, signer *keys.PrivateKey, entries map[uint64]status.Status) string {
		return t.list(uri, signer, listAt, entries)
	}
	at := spec.VectorPolicy{At: verifyAt}
	upd := func(name, comment string, stored, offered *spec.VectorTrust, code string, after *spec.VectorTrust) spec.Vector {
		if after == nil {
			after = &spec.VectorTrust{Bundle: stored.Bundle, StatusLists: stored.StatusLists}
		}
		return spec.Vector{Name: name, Comment: comment, Kind: spec.KindTrustUpdate, Trust: stored, Update: offered, Policy: at,
			Expect: spec.VectorExpect{Code: code, Valid: code == "ok", Stored: after}}
	}
	offerLists := func(lists ...string) *spec.VectorTrust { return &spec.VectorTrust{StatusLists: lists} }
	holds := func(b string, lists ...string) *spec.VectorTrust {
		return &spec.VectorTrust{Bundle: b, StatusLists: lists}
	}

	govList7 := list(govPrefixed, t.ed, nil)
	railList1 := list(railPrefix+"1", t.rail, nil)
	noPrefixJWS := t.signBundle(withPrefixes(6, nil, nil), t.root)

	vs := []spec.Vector{
		upd("update_ok_prefix_list", "a list under the identity authority's status prefix, signed by its key: accepted though the bundle does not list it",
			stored, offerLists(govList7), "ok", holds(prefixedJWS, govList7)),
		upd("update_ok_prefix_list_two_issuers", "one list under each issuer's prefix, each signed by its issuer's key",
			stored, offerLists(govList7, railList1), "ok", holds(prefixedJWS, govList7, railList1)),
		upd("update_ok_prefix_listed_list", "the bundle's listed list beside prefixes: still accepted",
			stored, offerLists(list(govList, t.ed, nil)), "ok", holds(prefixedJWS, list(govList, t.ed, nil))),
		upd("update_ok_bundle_without_prefix_drops_list", "serial 6 withdraws the status prefixes: the stored list under a prefix no longer belongs to any issuer and is dropped",
			&spec.VectorTrust{Roots: roots, Bundle: prefixedJWS, StatusLists: []string{govList7}}, &spec.VectorTrust{Bundle: noPrefixJWS}, "ok", holds(noPrefixJWS)),
		upd("status_list_invalid_prefix_other_issuer", "a list under the identity authority's prefix signed by the railway's key",
			stored, offerLists(list(govPrefixed, t.rail, nil)), "status_list_invalid", nil),
		upd("status_list_invalid_prefix_of_other_issuer", "a list under the railway's prefix signed by the identity authority's key",
			stored, offerLists(list(railPrefix+"1", t.ed, nil)), "status_list_invalid", nil),
	}
	outside := []struct{ name, uri, comment string }{
		{"outside", "https://id.gov.cn/q/7", "a list outside every prefix (another path of the prefix's host)"},
		{"other_origin", "https://id.gov.example/p/7", "a list on another host, with the prefix's path"},
		{"port", "https://id.gov.cn:443/p/7", "the prefix's origin with the default port written: URIs compare byte for byte"},
		{"case", "https://id.gov.cn/P/7", "the prefix's path in another case"},
		{"prefix_itself", govPrefix, "the prefix itself: nothing follows it"},
		{"trailing_slash", govPrefix + "7/", "a trailing slash after the prefix"},
		{"empty_segment", govPrefix + "a//7", "an empty segment after the prefix"},
		{"dot_segment", govPrefix + "../s/9", "a dot-dot segment after the prefix"},
		{"single_dot", govPrefix + "./7", "a dot segment after the prefix"},
		{"query", govPrefix + "7?v=1", "a query after the prefix"},
		{"percent", govPrefix + "%37", "percent-encoding after the prefix (%37 is 7): no decoding"},
		{"no_slash", "https://id.gov.cn/p7", "the prefix without its final slash"},
		{"too_long", govPrefix + strings.Repeat("a", bundle.MaxStatusListURILength-len(govPrefix)+1), "a list URI of 2049 bytes under the prefix"},
	}
	for _, o := range outside {
		vs = append(vs, upd("status_list_invalid_prefix_"+o.name, o.comment+", signed by the issuer's key: not one of its lists",
			stored, offerLists(list(o.uri, t.ed, nil)), "status_list_invalid", nil))
	}

	// Credentials whose status list is under a prefix.
	trustWith := func(lists ...string) *spec.VectorTrust {
		return &spec.VectorTrust{Roots: roots, Bundle: prefixedJWS, StatusLists: lists}
	}
	cred := func(uri string) string {
		c := identity()
		c.Status.URI = uri
		return qr(g.sign(c, g.ed))
	}
	v := func(name, comment, input string, tr *spec.VectorTrust, code string) spec.Vector {
		out := spec.Vector{Name: name, Comment: comment, Input: input, Trust: tr, Policy: at,
			Expect: spec.VectorExpect{Code: code, Level: "substantial", Type: "identity"}}
		out.Expect.Valid = code == "valid"
		out.Expect.Verdict = verdictOf(code)
		return out
	}
	revoked := list(govPrefixed, t.ed, map[uint64]status.Status{refIdx: status.Revoked})
	vs = append(vs,
		v("trust_valid_prefix_list", "the credential's status list is under its issuer's status prefix and says valid", cred(govPrefixed), trustWith(govList7), "valid"),
		v("revoked_prefix_list", "the credential's status list, under its issuer's prefix, says revoked", cred(govPrefixed), trustWith(revoked), "revoked"),
		v("status_unavailable_prefix_list", "a list under the issuer's prefix that the store does not hold", cred(govPrefix+"8"), trustWith(govList7), "status_unavailable"),
		v("status_invalid_other_issuers_prefix", "the credential's status uri is under the railway's prefix, not its issuer's", cred(railPrefix+"1"), trustWith(govList7, railList1), "status_invalid"),
		v("status_invalid_outside_prefix", "the credential's status uri has a dot-dot segment after its issuer's prefix", cred(govPrefix+"../p/2026/7"), trustWith(govList7), "status_invalid"),
	)

	// Bundles whose prefixes break §3.3.1, offered as serial 6.
	header := t.rootHeader()
	malformed := func(name, comment string, gov, rail []string, edit func(*bundle.Bundle)) spec.Vector {
		b := withPrefixes(6, gov, rail)
		if edit != nil {
			edit(b)
		}
		payload, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		h, err := json.Marshal(header)
		if err != nil {
			panic(err)
		}
		return upd("bundle_malformed_prefix_"+name, comment, stored, &spec.VectorTrust{Bundle: rawJWS(h, payload, t.root)}, "bundle_malformed", nil)
	}
	seventeen := make([]string, bundle.MaxStatusPrefixes+1)
	for i := range seventeen {
		seventeen[i] = fmt.Sprintf("%s%d/", govPrefix, i)
	}
	vs = append(vs,
		malformed("http", "a prefix with http, not https", []string{"http://id.gov.cn/p/"}, nil, nil),
		malformed("no_trailing_slash", `a prefix that does not end with "/"`, []string{"https://id.gov.cn/p"}, nil, nil),
		malformed("query", "a prefix with a query", []string{"https://id.gov.cn/p?x=/"}, nil, nil),
		malformed("fragment", "a prefix with a fragment", []string{"https://id.gov.cn/p/#/"}, nil, nil),
		malformed("dot_segment", "a prefix with a dot-dot segment", []string{"https://id.gov.cn/a/../p/"}, nil, nil),
		malformed("empty_segment", "a prefix with an empty segment", []string{"https://id.gov.cn/p//"}, nil, nil),
		malformed("percent", "a prefix with percent-encoding", []string{"https://id.gov.cn/%70/"}, nil, nil),
		malformed("upper_case_host", "a prefix whose host has upper-case letters", []string{"https://ID.gov.cn/p/"}, nil, nil),
		malformed("user_info", "a prefix with user information", []string{"https://u@id.gov.cn/p/"}, nil, nil),
		malformed("empty", "an empty prefix", []string{""}, nil, nil),
		malformed("too_many", "an issuer with 17 prefixes", seventeen, nil, nil),
		malformed("nested", "a prefix that is a prefix of another prefix of the same issuer", []string{govPrefix, govPrefix + "x/"}, nil, nil),
		malformed("nested_other_issuer", "the railway's prefix is a prefix of the identity authority's", []string{govPrefix}, []string{"https://id.gov.cn/"}, nil),
		malformed("twice", "one prefix under two issuers", []string{govPrefix}, []string{govPrefix}, nil),
		malformed("over_other_issuers_list", "the railway's prefix is a prefix of a list the identity authority lists", nil, []string{"https://id.gov.cn/s/"}, nil),
	)
	// A prefix that is not a string, and null, in the JSON itself.
	raw := func(name, comment, member string) spec.Vector {
		payload, err := json.Marshal(withPrefixes(6, nil, nil))
		if err != nil {
			panic(err)
		}
		edited := []byte(replaceOnce(string(payload), `"status_lists":["https://rail.example/s/1"]`, `"status_lists":["https://rail.example/s/1"],`+member))
		h, err := json.Marshal(header)
		if err != nil {
			panic(err)
		}
		return upd("bundle_malformed_prefix_"+name, comment, stored, &spec.VectorTrust{Bundle: rawJWS(h, edited, t.root)}, "bundle_malformed", nil)
	}
	vs = append(vs,
		raw("null", "status_prefixes is null", `"status_prefixes":null`),
		raw("not_array", "status_prefixes is a string", `"status_prefixes":"https://rail.example/p/"`),
		raw("number", "a prefix is a number", `"status_prefixes":[1]`),
	)
	return vs, nil
}

// replaceOnce replaces the first old in s with new, and panics when s has
// none: a generator whose edit does not apply is broken.
func replaceOnce(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("vectorgen: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}
