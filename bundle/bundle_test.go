package bundle

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/keytest"
	"github.com/netcred/netcred/keys"
)

// Fixed times of the test bundles.
var (
	testIssuedAt   = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	testNextUpdate = testIssuedAt.Add(7 * 24 * time.Hour)
	testNotBefore  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	testRotation   = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	testRevokedAt  = time.Date(2026, 2, 15, 12, 0, 0, 0, time.UTC)
)

const testDigest = "sha256:4f3c2b6a0c1e8d9f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"

// testBundle returns a valid bundle of two issuers with keys of the given
// issuer keys (at least three): a government issuer with a current key
// that may sign high identity credentials and a retired one, and a ticket
// issuer with one low-level key that was withdrawn.
func testBundle(tb testing.TB, issuerKeys ...*keys.PrivateKey) *Bundle {
	tb.Helper()
	if len(issuerKeys) < 3 {
		tb.Fatalf("testBundle needs 3 issuer keys, got %d", len(issuerKeys))
	}
	rotation, revoked := testRotation, testRevokedAt
	return &Bundle{
		Serial:     7,
		IssuedAt:   testIssuedAt,
		NextUpdate: testNextUpdate,
		Issuers: []Issuer{
			{
				ID:   "id.gov.example",
				Name: "Example Civil Registry",
				Keys: []Key{
					{Key: issuerKeys[0].Public(), Authorization: Authorization{
						MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: testRotation,
					}},
					{Key: issuerKeys[1].Public(), Authorization: Authorization{
						MaxLevel: credential.LevelSubstantial, Types: []string{"identity"}, NotBefore: testNotBefore, NotAfter: &rotation,
					}},
				},
				StatusLists: []string{"https://id.gov.example/s/1", "https://id.gov.example/s/2"},
			},
			{
				ID:   "tickets-example",
				Name: "Example Tickets 票务",
				Keys: []Key{
					{Key: issuerKeys[2].Public(), Authorization: Authorization{
						MaxLevel: credential.LevelLow, Types: []string{"ticket", "identity"}, NotBefore: testNotBefore, RevokedAt: &revoked,
					}},
				},
				StatusLists: []string{},
			},
		},
		Schemas: []Schema{
			{Name: "identity", ID: 1, Version: 1, Digest: testDigest},
			{Name: "ticket", ID: 2, Version: 1, Digest: "sha256:" + strings.Repeat("0a", 32)},
		},
	}
}

// testIssuerKeys returns three fresh issuer keys of mixed algorithms.
func testIssuerKeys(tb testing.TB) []*keys.PrivateKey {
	tb.Helper()
	return []*keys.PrivateKey{mustGenerate(tb, credential.EdDSA), mustGenerate(tb, credential.ES256), mustGenerate(tb, credential.EdDSA)}
}

func mustSign(tb testing.TB, b *Bundle, root *keys.PrivateKey) []byte {
	tb.Helper()
	data, err := b.Sign(root)
	if err != nil {
		tb.Fatalf("Sign: %v", err)
	}
	return data
}

// normalBundle is a bundle in a comparable form: keys by thumbprint and
// algorithm, times in UTC, empty slices as nil.
type normalBundle struct {
	Serial               uint64
	IssuedAt, NextUpdate time.Time
	Issuers              []normalIssuer
	Schemas              []Schema
}

type normalIssuer struct {
	ID, Name    string
	Keys        []normalKey
	StatusLists []string
}

type normalKey struct {
	Thumbprint, KID string
	Alg             credential.Algorithm
	MaxLevel        credential.Level
	Types           []string
	NotBefore       time.Time
	NotAfter        *time.Time
	RevokedAt       *time.Time
}

func normalise(b *Bundle) normalBundle {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	n := normalBundle{Serial: b.Serial, IssuedAt: b.IssuedAt.UTC(), NextUpdate: b.NextUpdate.UTC()}
	if len(b.Schemas) > 0 {
		n.Schemas = b.Schemas
	}
	for _, iss := range b.Issuers {
		ni := normalIssuer{ID: iss.ID, Name: iss.Name}
		if len(iss.StatusLists) > 0 {
			ni.StatusLists = iss.StatusLists
		}
		for _, k := range iss.Keys {
			nk := normalKey{
				MaxLevel: k.MaxLevel, Types: k.Types, NotBefore: k.NotBefore.UTC(),
				NotAfter: utc(k.NotAfter), RevokedAt: utc(k.RevokedAt),
			}
			if k.Key != nil {
				nk.Thumbprint, nk.KID, nk.Alg = k.Key.Thumbprint(), k.Key.KIDString(), k.Key.Algorithm()
			}
			ni.Keys = append(ni.Keys, nk)
		}
		n.Issuers = append(n.Issuers, ni)
	}
	return n
}

func checkSameBundle(tb testing.TB, got, want *Bundle) {
	tb.Helper()
	if g, w := normalise(got), normalise(want); !reflect.DeepEqual(g, w) {
		tb.Fatalf("bundle differs:\ngot  %+v\nwant %+v", g, w)
	}
}

func TestBundleRoundTrip(t *testing.T) {
	for _, alg := range keytest.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			root := mustGenerate(t, alg)
			issuerKeys := testIssuerKeys(t)
			want := testBundle(t, issuerKeys...)
			data := mustSign(t, want, root)

			other := mustGenerate(t, credential.EdDSA).Public().Thumbprint()
			got, gotRoot, err := Parse(data, []string{other, root.Public().Thumbprint()})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if gotRoot.Thumbprint() != root.Public().Thumbprint() || gotRoot.Algorithm() != alg {
				t.Errorf("root = %s %s; want %s %s", gotRoot.Algorithm(), gotRoot.Thumbprint(), alg, root.Public().Thumbprint())
			}
			checkSameBundle(t, got, want)

			// With surrounding whitespace, as in a file.
			again, _, err := Parse(append(append([]byte("\n "), data...), "\r\n"...), []string{root.Public().Thumbprint()})
			if err != nil {
				t.Fatalf("Parse with whitespace: %v", err)
			}
			checkSameBundle(t, again, want)

			inspected, inspectedRoot, err := Inspect(data)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			checkSameBundle(t, inspected, want)
			if inspectedRoot.Thumbprint() != root.Public().Thumbprint() {
				t.Errorf("Inspect root = %s; want %s", inspectedRoot.Thumbprint(), root.Public().Thumbprint())
			}

			// The payload is the bundle's JSON, and signing it again gives
			// the same payload.
			resigned := mustSign(t, got, root)
			if gotPayload, wantPayload := jwsPayload(t, resigned), jwsPayload(t, data); !bytes.Equal(gotPayload, wantPayload) {
				t.Errorf("re-signed payload\n%s\nwant\n%s", gotPayload, wantPayload)
			}
			fromJSON, err := ParseJSON(jwsPayload(t, data))
			if err != nil {
				t.Fatalf("ParseJSON(payload): %v", err)
			}
			checkSameBundle(t, fromJSON, want)

			for i, k := range issuerKeys {
				ref, ok := got.Key(k.KID())
				if !ok {
					t.Fatalf("Key(issuer key %d) not found", i)
				}
				if ref.Key.Key.Thumbprint() != k.Public().Thumbprint() {
					t.Errorf("Key(issuer key %d) = %s; want %s", i, ref.Key.Key.Thumbprint(), k.Public().Thumbprint())
				}
				wantIssuer := "id.gov.example"
				if i == 2 {
					wantIssuer = "tickets-example"
				}
				if ref.Issuer.ID != wantIssuer {
					t.Errorf("Key(issuer key %d) issuer = %q; want %q", i, ref.Issuer.ID, wantIssuer)
				}
			}
			if _, ok := got.Key(root.KID()); ok {
				t.Error("Key(root kid) found a key; want none")
			}
		})
	}
}

// jwsPayload returns the decoded payload of a compact JWS.
func jwsPayload(tb testing.TB, data []byte) []byte {
	tb.Helper()
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	if len(parts) != 3 {
		tb.Fatalf("not a compact JWS: %d parts", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	return payload
}

// jwsHeader returns the decoded protected header of a compact JWS.
func jwsHeader(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(string(data), ".")[0])
	if err != nil {
		tb.Fatal(err)
	}
	return keytest.Object(tb, raw)
}

func TestBundleSignHeader(t *testing.T) {
	for _, alg := range keytest.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			root := mustGenerate(t, alg)
			data := mustSign(t, testBundle(t, testIssuerKeys(t)...), root)
			h := jwsHeader(t, data)
			if got := strings.Join(keytest.SortedKeys(h), ","); got != "alg,jwk,kid,typ" {
				t.Errorf("header members %s; want alg,jwk,kid,typ", got)
			}
			if h["alg"] != string(alg) || h["kid"] != root.Public().KIDString() || h["typ"] != Type {
				t.Errorf("header alg %v kid %v typ %v; want %s %s %s", h["alg"], h["kid"], h["typ"], alg, root.Public().KIDString(), Type)
			}
			jwk, err := keys.ParsePublicJWK(keytest.Marshal(t, h["jwk"]))
			if err != nil {
				t.Fatalf("header jwk: %v", err)
			}
			checkSameKey(t, jwk, root.Public())
			if _, private := h["jwk"].(map[string]any)["d"]; private {
				t.Error("header jwk has the private key")
			}
		})
	}
}

// rawJWS builds a compact JWS over payload with the given protected header
// members, signed with signer (Ed25519 or P-256); a nil signer leaves the
// signature empty.
func rawJWS(tb testing.TB, header map[string]any, payload []byte, signer crypto.Signer) []byte {
	tb.Helper()
	input := base64.RawURLEncoding.EncodeToString(keytest.Marshal(tb, header)) + "." + base64.RawURLEncoding.EncodeToString(payload)
	var sig []byte
	switch k := signer.(type) {
	case nil:
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(input))
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256([]byte(input))
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			tb.Fatal(err)
		}
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	default:
		tb.Fatalf("rawJWS: signer %T", signer)
	}
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(sig))
}

// rootHeader is the protected header Sign writes for root.
func rootHeader(tb testing.TB, root *keys.PublicKey) map[string]any {
	tb.Helper()
	return map[string]any{
		"alg": string(root.Algorithm()),
		"kid": root.KIDString(),
		"jwk": keytest.Object(tb, keytest.MustJSON(tb, root)),
		"typ": Type,
	}
}

// withHeader returns a copy of h with edit applied.
func withHeader(h map[string]any, edit func(map[string]any)) map[string]any {
	c := make(map[string]any, len(h))
	for k, v := range h {
		c[k] = v
	}
	edit(c)
	return c
}

// payloadMap decodes a bundle's JSON into nested maps for editing.
func payloadMap(tb testing.TB, b *Bundle) map[string]any {
	tb.Helper()
	data, err := b.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return keytest.Object(tb, data)
}

// editPayload returns the JSON of b with edit applied to its map form.
func editPayload(tb testing.TB, b *Bundle, edit func(m map[string]any)) []byte {
	tb.Helper()
	m := payloadMap(tb, b)
	edit(m)
	return keytest.Marshal(tb, m)
}

func issuerAt(m map[string]any, i int) map[string]any {
	return m["issuers"].([]any)[i].(map[string]any)
}

func keyAt(m map[string]any, i, j int) map[string]any {
	return issuerAt(m, i)["keys"].([]any)[j].(map[string]any)
}

// badBundle is a bundle Parse must refuse, with the errors it must
// wrap.
type badBundle struct {
	name   string
	data   []byte
	pinned []string
	want   []error
}

// badBundles returns the bundles an attacker or a careless operator would
// try, built around bundles signed by root (Ed25519); root and ecRoot are
// pinned unless a case says otherwise.
func badBundles(tb testing.TB, root, ecRoot *keys.PrivateKey) []badBundle {
	tb.Helper()
	attacker := mustGenerate(tb, credential.EdDSA)
	issuerKeys := testIssuerKeys(tb)
	b := testBundle(tb, issuerKeys...)
	good := mustSign(tb, b, root)
	payload := jwsPayload(tb, good)
	header := rootHeader(tb, root.Public())
	pinned := []string{root.Public().Thumbprint(), ecRoot.Public().Thumbprint()}

	// sign signs payload with the pinned root and the header Sign writes.
	sign := func(payload []byte) []byte { return rawJWS(tb, header, payload, root.Signer()) }
	// signPayload signs an edited bundle JSON.
	signPayload := func(edit func(m map[string]any)) []byte { return sign(editPayload(tb, b, edit)) }
	signHeader := func(edit func(map[string]any)) []byte {
		return rawJWS(tb, withHeader(header, edit), payload, root.Signer())
	}
	parts := strings.Split(string(good), ".")

	tampered := editPayload(tb, b, func(m map[string]any) { keyAt(m, 1, 0)["max_level"] = "high" })
	tamperedJWS := []byte(parts[0] + "." + base64.RawURLEncoding.EncodeToString(tampered) + "." + parts[2])

	hsKey := keytest.MustJSON(tb, root.Public())
	mac := hmac.New(sha256.New, hsKey)
	hsInput := base64.RawURLEncoding.EncodeToString(keytest.Marshal(tb, withHeader(header, func(h map[string]any) { h["alg"] = "HS256" }))) +
		"." + parts[1]
	mac.Write([]byte(hsInput))
	hs256 := []byte(hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)))

	multi := multiSignatureJWS(tb, payload, root, ecRoot)
	flattened := flattenedJWS(tb, good)

	// A signature segment whose last character has unused bits set.
	sigSegment := []byte(parts[2])
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", sigSegment[len(sigSegment)-1])
	sigSegment[len(sigSegment)-1] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last|1]
	nonCanonical := []byte(parts[0] + "." + parts[1] + "." + string(sigSegment))

	duplicateHeader := strings.Replace(string(keytest.Marshal(tb, header)), `"alg":"EdDSA"`, `"alg":"EdDSA","alg":"none"`, 1)
	duplicateHeaderJWS := rawJWSRawHeader(tb, []byte(duplicateHeader), payload, root.Signer())

	rootAsIssuer := testBundle(tb, root, issuerKeys[1], issuerKeys[2])
	deep := strings.Replace(string(payload), `"serial":7`, `"serial":7,"x":`+strings.Repeat("[", 100)+strings.Repeat("]", 100), 1)

	return []badBundle{
		// Trust.
		{"unpinned root", good, []string{ecRoot.Public().Thumbprint()}, []error{ErrUntrusted}},
		{"nothing pinned", good, nil, []error{ErrUntrusted}},
		{"kid pinned instead of thumbprint", good, []string{root.Public().KIDString()}, []error{ErrUntrusted}},
		{"tampered payload", tamperedJWS, pinned, []error{ErrUntrusted}},
		{"signed by another key with the pinned jwk", rawJWS(tb, header, payload, attacker.Signer()), pinned, []error{ErrUntrusted}},
		{"signed by another key, its own jwk", rawJWS(tb, rootHeader(tb, attacker.Public()), payload, attacker.Signer()), pinned, []error{ErrUntrusted}},
		{"alg none without signature", rawJWS(tb, withHeader(header, func(h map[string]any) { h["alg"] = "none" }), payload, nil), pinned, []error{ErrUntrusted, keys.ErrUnsupportedAlgorithm}},
		{"alg none with signature", signHeader(func(h map[string]any) { h["alg"] = "none" }), pinned, []error{ErrUntrusted, keys.ErrUnsupportedAlgorithm}},
		{"alg HS256 keyed with the jwk", hs256, pinned, []error{ErrUntrusted, keys.ErrUnsupportedAlgorithm}},
		{"alg RS256", signHeader(func(h map[string]any) { h["alg"] = "RS256" }), pinned, []error{ErrUntrusted, keys.ErrUnsupportedAlgorithm}},
		{"alg missing", signHeader(func(h map[string]any) { delete(h, "alg") }), pinned, []error{ErrUntrusted, keys.ErrMissingAlgorithm}},
		{"alg ES256 on an Ed25519 root", signHeader(func(h map[string]any) { h["alg"] = "ES256" }), pinned, []error{ErrUntrusted, keys.ErrAlgorithmMismatch}},
		{"alg not a string", signHeader(func(h map[string]any) { h["alg"] = 1 }), pinned, []error{ErrMalformed}},
		{"empty signature", rawJWS(tb, header, payload, nil), pinned, []error{ErrUntrusted}},
		{"jwk missing", signHeader(func(h map[string]any) { delete(h, "jwk") }), pinned, []error{ErrUntrusted}},
		{"jwk private", signHeader(func(h map[string]any) { h["jwk"] = keytest.Object(tb, keytest.MustJSON(tb, root)) }), pinned, []error{ErrUntrusted, keys.ErrUnexpectedPrivateKey}},
		{"jwk without alg", signHeader(func(h map[string]any) {
			h["jwk"] = withHeader(header["jwk"].(map[string]any), func(j map[string]any) { delete(j, "alg") })
		}), pinned, []error{ErrUntrusted, keys.ErrMissingAlgorithm}},
		{"jwk with x5c", signHeader(func(h map[string]any) {
			h["jwk"] = withHeader(header["jwk"].(map[string]any), func(j map[string]any) { j["x5c"] = []string{"MIIB"} })
		}), pinned, []error{ErrUntrusted, keys.ErrUnsupportedMember}},
		{"kid of another key", signHeader(func(h map[string]any) { h["kid"] = attacker.Public().KIDString() }), pinned, []error{ErrUntrusted, keys.ErrKIDMismatch}},
		{"kid missing", signHeader(func(h map[string]any) { delete(h, "kid") }), pinned, []error{ErrMalformed}},

		// JWS structure and header.
		{"two signatures (JSON serialization)", multi, pinned, []error{ErrMalformed}},
		{"flattened JSON serialization", flattened, pinned, []error{ErrMalformed}},
		{"typ missing", signHeader(func(h map[string]any) { delete(h, "typ") }), pinned, []error{ErrMalformed}},
		{"typ JWT", signHeader(func(h map[string]any) { h["typ"] = "JWT" }), pinned, []error{ErrMalformed}},
		{"typ with application/ prefix", signHeader(func(h map[string]any) { h["typ"] = "application/" + Type }), pinned, []error{ErrMalformed}},
		{"typ upper case", signHeader(func(h map[string]any) { h["typ"] = strings.ToUpper(Type) }), pinned, []error{ErrMalformed}},
		{"crit header", signHeader(func(h map[string]any) { h["crit"] = []string{"exp"}; h["exp"] = 1 }), pinned, []error{ErrMalformed}},
		{"b64 header", signHeader(func(h map[string]any) { h["b64"] = false }), pinned, []error{ErrMalformed}},
		{"x5u header", signHeader(func(h map[string]any) { h["x5u"] = "https://example.com/root.pem" }), pinned, []error{ErrMalformed}},
		{"cty header", signHeader(func(h map[string]any) { h["cty"] = "json" }), pinned, []error{ErrMalformed}},
		{"duplicate header member", duplicateHeaderJWS, pinned, []error{ErrMalformed}},
		{"header not an object", rawJWSRawHeader(tb, []byte(`["alg"]`), payload, root.Signer()), pinned, []error{ErrMalformed}},
		{"header not base64url", []byte("!!!." + parts[1] + "." + parts[2]), pinned, []error{ErrMalformed}},
		{"padded base64", []byte(parts[0] + "." + parts[1] + "==." + parts[2]), pinned, []error{ErrMalformed}},
		{"non-canonical base64url signature", nonCanonical, pinned, []error{ErrMalformed}},
		{"two segments", []byte(parts[0] + "." + parts[1]), pinned, []error{ErrMalformed}},
		{"four segments", []byte(string(good) + "." + parts[2]), pinned, []error{ErrMalformed}},
		{"JWE-shaped", []byte(parts[0] + ".." + parts[1] + "." + parts[2] + "." + parts[2]), pinned, []error{ErrMalformed}},
		{"whitespace inside", []byte(parts[0] + ".\n" + parts[1] + "." + parts[2]), pinned, []error{ErrMalformed}},
		{"truncated", good[:len(good)/2], pinned, []error{ErrMalformed}},
		{"short signature", []byte(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(keytest.DecodeB64(tb, parts[2])[:40])), pinned, []error{ErrUntrusted}},
		{"empty", nil, pinned, []error{ErrMalformed}},
		{"garbage", []byte("\x00\xff not a bundle"), pinned, []error{ErrMalformed}},
		{"9 MiB", append(bytes.Clone(good), bytes.Repeat([]byte("A"), 9<<20)...), pinned, []error{ErrTooLarge}},

		// Payload JSON.
		{"unknown member", signPayload(func(m map[string]any) { m["comment"] = "hello" }), pinned, []error{ErrMalformed}},
		{"unknown member in a key", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["max_lvl"] = "high" }), pinned, []error{ErrMalformed}},
		{"member of another object", signPayload(func(m map[string]any) { m["digest"] = testDigest }), pinned, []error{ErrMalformed}},
		{"member name in another case", sign(bytes.Replace(payload, []byte(`"serial"`), []byte(`"Serial"`), 1)), pinned, []error{ErrMalformed}},
		{"duplicate member", sign(bytes.Replace(payload, []byte(`"serial":7`), []byte(`"serial":7,"serial":8`), 1)), pinned, []error{ErrMalformed}},
		{"duplicate member differing in case", sign(bytes.Replace(payload, []byte(`"serial":7`), []byte(`"serial":7,"SERIAL":8`), 1)), pinned, []error{ErrMalformed}},
		{"duplicate member in a jwk", sign(bytes.Replace(payload, []byte(`"crv":"Ed25519"`), []byte(`"crv":"Ed25519","crv":"Ed25519"`), 1)), pinned, []error{ErrMalformed}},
		{"null member", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["not_after"] = nil }), pinned, []error{ErrMalformed}},
		{"serial as string", signPayload(func(m map[string]any) { m["serial"] = "7" }), pinned, []error{ErrMalformed}},
		{"serial fraction", sign(bytes.Replace(payload, []byte(`"serial":7`), []byte(`"serial":7.5`), 1)), pinned, []error{ErrMalformed}},
		{"serial negative", signPayload(func(m map[string]any) { m["serial"] = -1 }), pinned, []error{ErrMalformed}},
		{"issued_at not RFC 3339", signPayload(func(m map[string]any) { m["issued_at"] = "2026-03-01 00:00:00" }), pinned, []error{ErrMalformed}},
		{"issued_at as number", signPayload(func(m map[string]any) { m["issued_at"] = 1772323200 }), pinned, []error{ErrMalformed}},
		{"max_level as number", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["max_level"] = 3 }), pinned, []error{ErrMalformed}},
		{"payload an array", sign([]byte(`[` + string(payload) + `]`)), pinned, []error{ErrMalformed}},
		{"payload empty", sign(nil), pinned, []error{ErrMalformed}},
		{"payload with trailing data", sign(append(bytes.Clone(payload), `{}`...)), pinned, []error{ErrMalformed}},
		{"payload not UTF-8", sign(bytes.Replace(payload, []byte("票"), []byte{0xff, 0xfe}, 1)), pinned, []error{ErrMalformed}},
		{"payload nested too deep", sign([]byte(deep)), pinned, []error{ErrMalformed}},

		// Bundle rules.
		{"serial 0", signPayload(func(m map[string]any) { m["serial"] = 0 }), pinned, []error{ErrInvalid}},
		{"serial missing", signPayload(func(m map[string]any) { delete(m, "serial") }), pinned, []error{ErrInvalid}},
		{"serial above 2^53-1", signPayload(func(m map[string]any) { m["serial"] = uint64(1 << 53) }), pinned, []error{ErrInvalid}},
		{"next_update before issued_at", signPayload(func(m map[string]any) { m["next_update"] = "2026-02-28T00:00:00Z" }), pinned, []error{ErrInvalid}},
		{"next_update equal to issued_at", signPayload(func(m map[string]any) { m["next_update"] = m["issued_at"] }), pinned, []error{ErrInvalid}},
		{"issued_at missing", signPayload(func(m map[string]any) { delete(m, "issued_at") }), pinned, []error{ErrInvalid}},
		{"no issuers", signPayload(func(m map[string]any) { m["issuers"] = []any{} }), pinned, []error{ErrInvalid}},
		{"duplicate kid across two issuers", signPayload(func(m map[string]any) {
			iss := issuerAt(m, 1)
			iss["keys"] = append(iss["keys"].([]any), keyAt(m, 0, 0))
		}), pinned, []error{ErrInvalid, keys.ErrDuplicateKID}},
		{"duplicate kid in one issuer", signPayload(func(m map[string]any) {
			iss := issuerAt(m, 0)
			iss["keys"] = append(iss["keys"].([]any), keyAt(m, 0, 1))
		}), pinned, []error{ErrInvalid, keys.ErrDuplicateKID}},
		{"max_level missing", signPayload(func(m map[string]any) { delete(keyAt(m, 0, 0), "max_level") }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"max_level by number", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["max_level"] = "3" }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"max_level upper case", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["max_level"] = "HIGH" }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"types empty", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["types"] = []any{} }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"types missing", signPayload(func(m map[string]any) { delete(keyAt(m, 0, 0), "types") }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"types duplicate", signPayload(func(m map[string]any) { keyAt(m, 0, 0)["types"] = []any{"identity", "identity"} }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"not_before missing", signPayload(func(m map[string]any) { delete(keyAt(m, 0, 0), "not_before") }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"not_after before not_before", signPayload(func(m map[string]any) { keyAt(m, 0, 1)["not_after"] = "2025-12-31T00:00:00Z" }), pinned, []error{ErrInvalid, ErrMissingAuthorization}},
		{"jwk missing", signPayload(func(m map[string]any) { delete(keyAt(m, 0, 0), "jwk") }), pinned, []error{ErrInvalid}},
		{"private JWK", signPayload(func(m map[string]any) {
			keyAt(m, 1, 0)["jwk"] = keytest.Object(tb, keytest.MustJSON(tb, issuerKeys[2]))
		}), pinned, []error{ErrInvalid, keys.ErrUnexpectedPrivateKey}},
		{"JWK without alg", signPayload(func(m map[string]any) { delete(keyAt(m, 0, 0)["jwk"].(map[string]any), "alg") }), pinned, []error{ErrInvalid, keys.ErrMissingAlgorithm}},
		{"JWK with the kid of another key", signPayload(func(m map[string]any) {
			keyAt(m, 0, 0)["jwk"].(map[string]any)["kid"] = issuerKeys[2].Public().KIDString()
		}), pinned, []error{ErrInvalid, keys.ErrKIDMismatch}},
		{"root key as an issuer key", sign(keytest.Marshal(tb, rootAsIssuer)), pinned, []error{ErrInvalid}},
		{"no keys", signPayload(func(m map[string]any) { issuerAt(m, 1)["keys"] = []any{} }), pinned, []error{ErrInvalid}},
		{"duplicate status URI", signPayload(func(m map[string]any) { issuerAt(m, 1)["status_lists"] = []any{"https://id.gov.example/s/2"} }), pinned, []error{ErrInvalid}},
		{"relative URI", signPayload(func(m map[string]any) { issuerAt(m, 1)["status_lists"] = []any{"/s/2"} }), pinned, []error{ErrInvalid}},
		{"URI with fragment", signPayload(func(m map[string]any) { issuerAt(m, 1)["status_lists"] = []any{"https://t.example/s#1"} }), pinned, []error{ErrInvalid}},
		{"status_lists missing", signPayload(func(m map[string]any) { delete(issuerAt(m, 1), "status_lists") }), pinned, []error{ErrInvalid}},
		{"duplicate issuer id", signPayload(func(m map[string]any) { issuerAt(m, 1)["id"] = "id.gov.example" }), pinned, []error{ErrInvalid}},
		{"issuer id upper case", signPayload(func(m map[string]any) { issuerAt(m, 1)["id"] = "Tickets" }), pinned, []error{ErrInvalid}},
		{"issuer name missing", signPayload(func(m map[string]any) { delete(issuerAt(m, 1), "name") }), pinned, []error{ErrInvalid}},
		{"schema digest upper case", signPayload(func(m map[string]any) {
			m["schemas"].([]any)[0].(map[string]any)["digest"] = strings.ToUpper(testDigest)
		}), pinned, []error{ErrInvalid}},
		{"built-in type under another id", signPayload(func(m map[string]any) {
			m["schemas"].([]any)[0].(map[string]any)["id"] = 7
		}), pinned, []error{ErrInvalid}},
		{"another type under a built-in id", signPayload(func(m map[string]any) {
			m["schemas"] = []any{map[string]any{"name": "passport", "id": 1, "version": 1, "digest": testDigest}}
		}), pinned, []error{ErrInvalid}},
		{"built-in ids swapped", signPayload(func(m map[string]any) {
			m["schemas"].([]any)[0].(map[string]any)["id"] = 2
			m["schemas"].([]any)[1].(map[string]any)["id"] = 1
		}), pinned, []error{ErrInvalid}},

		// Byte-order marks and header member types (spec/bundle.md §2.1, §2.2).
		{"byte-order mark before the JWS", append([]byte("\xef\xbb\xbf"), good...), pinned, []error{ErrMalformed}},
		{"byte-order mark after whitespace", append([]byte(" \n\xef\xbb\xbf"), good...), pinned, []error{ErrMalformed}},
		{"byte-order mark after the JWS", append(bytes.Clone(good), "\xef\xbb\xbf"...), pinned, []error{ErrMalformed}},
		{"UTF-16 byte-order mark", append([]byte("\xff\xfe"), good...), pinned, []error{ErrMalformed}},
		{"byte-order mark in the header", rawJWSRawHeader(tb, append([]byte("\xef\xbb\xbf"), keytest.Marshal(tb, header)...), payload, root.Signer()), pinned, []error{ErrMalformed}},
		{"byte-order mark in the payload", sign(append([]byte("\xef\xbb\xbf"), payload...)), pinned, []error{ErrMalformed}},
		{"alg null", signHeader(func(h map[string]any) { h["alg"] = nil }), pinned, []error{ErrMalformed}},
		{"alg an array", signHeader(func(h map[string]any) { h["alg"] = []string{"EdDSA"} }), pinned, []error{ErrMalformed}},
		{"alg an object", signHeader(func(h map[string]any) { h["alg"] = map[string]any{"name": "EdDSA"} }), pinned, []error{ErrMalformed}},
		{"alg true", signHeader(func(h map[string]any) { h["alg"] = true }), pinned, []error{ErrMalformed}},
		{"kid a number", signHeader(func(h map[string]any) { h["kid"] = 7 }), pinned, []error{ErrMalformed}},
		{"typ null", signHeader(func(h map[string]any) { h["typ"] = nil }), pinned, []error{ErrMalformed}},
		{"alg none and typ a number", signHeader(func(h map[string]any) { h["alg"] = "none"; h["typ"] = 1 }), pinned, []error{ErrMalformed}},
		{"alg none and kid null", signHeader(func(h map[string]any) { h["alg"] = "none"; h["kid"] = nil }), pinned, []error{ErrMalformed}},
		{"alg not a string and typ wrong", signHeader(func(h map[string]any) { h["alg"] = 1; h["typ"] = "JWT" }), pinned, []error{ErrMalformed}},
	}
}

func TestLooks(t *testing.T) {
	good := mustSign(t, testBundle(t, testIssuerKeys(t)...), mustGenerate(t, credential.EdDSA))
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"compact JWS", good, true},
		{"with whitespace", append([]byte(" \r\n\t"), good...), true},
		{"with a byte-order mark", append([]byte("\xef\xbb\xbf"), good...), true},
		{"whitespace, byte-order mark, whitespace", append([]byte("\n\xef\xbb\xbf "), good...), true},
		{"with a UTF-16 byte-order mark", append([]byte("\xff\xfe"), good...), true},
		{"UTF-16 text", []byte("\xff\xfee\x00y\x00J\x00"), false},
		{"JWS JSON serialization", flattenedJWS(t, good), true},
		{"a JSON object", []byte(`{"serial":1}`), true},
		{"JWE-shaped", []byte("eyJhbGciOiJQQkVTMiJ9..aXY.Y3Q.dGFn"), true},
		{"header that is not JSON", []byte("77u_eyJ9.e30.c2ln"), true},
		{"padded base64", []byte("eyJ9.e30=.c2ln"), false},
		{"one segment of a JSON object", []byte("eyJhbGciOiJFZERTQSJ9"), true},
		{"base64url without a dot", []byte("aGVsbG8"), false},
		{"COSE_Sign1", []byte{0xd2, 0x84, 0x43}, false},
		{"QR text", []byte("NC1:6BFOXN"), false},
		{"empty", nil, false},
		{"only a byte-order mark", []byte("\xef\xbb\xbf"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Looks(tt.data); got != tt.want {
				t.Errorf("Looks(%.20q) = %v; want %v", tt.data, got, tt.want)
			}
		})
	}
}

func TestParseBundleRejects(t *testing.T) {
	tests := badBundles(t, mustGenerate(t, credential.EdDSA), mustGenerate(t, credential.ES256))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, r, err := Parse(tt.data, tt.pinned)
			if b != nil || r != nil {
				t.Errorf("got bundle %v and root %v; want nil", b != nil, r)
			}
			for _, want := range tt.want {
				keytest.WantErr(t, err, want)
			}
			if !strings.HasPrefix(err.Error(), "bundle: ") {
				t.Errorf("error %q does not start with \"bundle: \"", err)
			}
		})
	}
}

// rawJWSRawHeader is rawJWS with the header given as bytes.
func rawJWSRawHeader(tb testing.TB, header, payload []byte, signer crypto.Signer) []byte {
	tb.Helper()
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	k, ok := signer.(ed25519.PrivateKey)
	if !ok {
		tb.Fatalf("rawJWSRawHeader: signer %T", signer)
	}
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(k, []byte(input))))
}

// multiSignatureJWS returns a JWS JSON serialization of payload with one
// signature per key, each with the header Sign would write.
func multiSignatureJWS(tb testing.TB, payload []byte, roots ...*keys.PrivateKey) []byte {
	tb.Helper()
	var signingKeys []jose.SigningKey
	for _, r := range roots {
		signingKeys = append(signingKeys, jose.SigningKey{Algorithm: jose.SignatureAlgorithm(r.Algorithm()), Key: r.Signer()})
	}
	options := new(jose.SignerOptions).WithType(Type).
		WithHeader("kid", roots[0].Public().KIDString()).WithHeader("jwk", joseJWK(roots[0].Public()))
	signer, err := jose.NewMultiSigner(signingKeys, options)
	if err != nil {
		tb.Fatal(err)
	}
	object, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(object.FullSerialize())
}

// joseJWK is pub as go-jose's JSON Web Key, as keys writes it.
func joseJWK(pub *keys.PublicKey) jose.JSONWebKey {
	return jose.JSONWebKey{Key: pub.Key(), KeyID: pub.KIDString(), Algorithm: string(pub.Algorithm()), Use: "sig"}
}

// flattenedJWS turns a compact JWS into the flattened JSON serialization.
func flattenedJWS(tb testing.TB, compact []byte) []byte {
	tb.Helper()
	parts := strings.Split(string(compact), ".")
	return keytest.Marshal(tb, map[string]string{"protected": parts[0], "payload": parts[1], "signature": parts[2]})
}

func TestParseBundleEveryPrefix(t *testing.T) {
	root := mustGenerate(t, credential.EdDSA)
	good := mustSign(t, testBundle(t, testIssuerKeys(t)...), root)
	pinned := []string{root.Public().Thumbprint()}
	for n := range len(good) {
		b, r, err := Parse(good[:n], pinned)
		if err == nil || b != nil || r != nil {
			t.Fatalf("Parse(first %d of %d bytes) = %v, %v, %v; want an error only", n, len(good), b != nil, r, err)
		}
	}
}

func TestInspectBundle(t *testing.T) {
	root := mustGenerate(t, credential.ES256)
	b := testBundle(t, testIssuerKeys(t)...)
	data := mustSign(t, b, root)
	// Anyone's key: Inspect does not care who signed, only that the
	// embedded key did.
	got, gotRoot, err := Inspect(data)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	checkSameBundle(t, got, b)
	checkSameKey(t, gotRoot, root.Public())

	attacker := mustGenerate(t, credential.EdDSA)
	forged := rawJWS(t, rootHeader(t, root.Public()), jwsPayload(t, data), attacker.Signer())
	_, _, err = Inspect(forged)
	keytest.WantErr(t, err, ErrUntrusted)
}

func TestBundleValidate(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	later := testRotation.Add(time.Hour)
	earlier := testNotBefore.Add(-time.Hour)
	farFuture := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	edit := func(f func(b *Bundle)) *Bundle {
		b := testBundle(t, issuerKeys...)
		f(b)
		return b
	}
	kid0 := issuerKeys[0].Public().KIDString()
	tests := []struct {
		name     string
		bundle   *Bundle
		want     []error
		contains []string
	}{
		{"serial 0", edit(func(b *Bundle) { b.Serial = 0 }), []error{ErrInvalid}, []string{"serial 0"}},
		{"serial too large", edit(func(b *Bundle) { b.Serial = MaxSerial + 1 }), []error{ErrInvalid}, nil},
		{"issued_at zero", edit(func(b *Bundle) { b.IssuedAt = time.Time{} }), []error{ErrInvalid}, []string{"issued_at"}},
		{"next_update before issued_at", edit(func(b *Bundle) { b.NextUpdate = b.IssuedAt.Add(-time.Second) }), []error{ErrInvalid}, []string{"next_update"}},
		{"next_update after 9999", edit(func(b *Bundle) { b.NextUpdate = farFuture }), []error{ErrInvalid}, nil},
		{"no issuers", edit(func(b *Bundle) { b.Issuers = nil }), []error{ErrInvalid}, nil},
		{"issuer id empty", edit(func(b *Bundle) { b.Issuers[1].ID = "" }), []error{ErrInvalid}, []string{"issuer 2"}},
		{"issuer id with slash", edit(func(b *Bundle) { b.Issuers[1].ID = "a/b" }), []error{ErrInvalid}, []string{`"a/b"`}},
		{"issuer id ending in a dot", edit(func(b *Bundle) { b.Issuers[1].ID = "tickets." }), []error{ErrInvalid}, nil},
		{"issuer id too long", edit(func(b *Bundle) { b.Issuers[1].ID = strings.Repeat("a", MaxIssuerIDLength+1) }), []error{ErrInvalid}, nil},
		{"duplicate issuer id", edit(func(b *Bundle) { b.Issuers[1].ID = b.Issuers[0].ID }), []error{ErrInvalid}, []string{`"id.gov.example"`}},
		{"issuer name with control character", edit(func(b *Bundle) { b.Issuers[0].Name = "a\nb" }), []error{ErrInvalid}, []string{"id.gov.example"}},
		{"issuer name too long", edit(func(b *Bundle) { b.Issuers[0].Name = strings.Repeat("名", MaxIssuerNameLength+1) }), []error{ErrInvalid}, nil},
		{"issuer without keys", edit(func(b *Bundle) { b.Issuers[1].Keys = nil }), []error{ErrInvalid}, []string{"tickets-example"}},
		{"nil key", edit(func(b *Bundle) { b.Issuers[1].Keys[0].Key = nil }), []error{ErrInvalid, keys.ErrInvalidKey}, []string{"tickets-example", "key 1"}},
		{"zero key", edit(func(b *Bundle) { b.Issuers[1].Keys[0].Key = &keys.PublicKey{} }), []error{ErrInvalid, keys.ErrInvalidKey}, nil},
		{"duplicate kid across issuers", edit(func(b *Bundle) { b.Issuers[1].Keys[0].Key = issuerKeys[0].Public() }),
			[]error{ErrInvalid, keys.ErrDuplicateKID}, []string{"tickets-example", kid0, "id.gov.example"}},
		{"max_level zero", edit(func(b *Bundle) { b.Issuers[0].Keys[0].MaxLevel = 0 }),
			[]error{ErrInvalid, ErrMissingAuthorization}, []string{"id.gov.example", kid0, "max_level"}},
		{"max_level undefined", edit(func(b *Bundle) { b.Issuers[0].Keys[0].MaxLevel = 4 }), []error{ErrInvalid, ErrMissingAuthorization}, nil},
		{"types nil", edit(func(b *Bundle) { b.Issuers[0].Keys[0].Types = nil }), []error{ErrInvalid, ErrMissingAuthorization}, []string{kid0, "types"}},
		{"type name invalid", edit(func(b *Bundle) { b.Issuers[0].Keys[0].Types = []string{"Identity"} }), []error{ErrInvalid, ErrMissingAuthorization}, nil},
		{"type listed twice", edit(func(b *Bundle) { b.Issuers[0].Keys[0].Types = []string{"identity", "ticket", "identity"} }), []error{ErrInvalid, ErrMissingAuthorization}, nil},
		{"not_before zero", edit(func(b *Bundle) { b.Issuers[0].Keys[0].NotBefore = time.Time{} }), []error{ErrInvalid, ErrMissingAuthorization}, []string{"not_before"}},
		{"not_after before not_before", edit(func(b *Bundle) { b.Issuers[0].Keys[1].NotAfter = &earlier }), []error{ErrInvalid, ErrMissingAuthorization}, []string{"not_after"}},
		{"not_after equal to not_before", edit(func(b *Bundle) { nb := b.Issuers[0].Keys[1].NotBefore; b.Issuers[0].Keys[1].NotAfter = &nb }), []error{ErrInvalid, ErrMissingAuthorization}, nil},
		{"revoked_at after 9999", edit(func(b *Bundle) { b.Issuers[0].Keys[0].RevokedAt = &farFuture }), []error{ErrInvalid, ErrMissingAuthorization}, nil},
		{"duplicate status URI in one issuer", edit(func(b *Bundle) { b.Issuers[0].StatusLists[1] = b.Issuers[0].StatusLists[0] }), []error{ErrInvalid}, nil},
		{"duplicate status URI across issuers", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://id.gov.example/s/1"} }), []error{ErrInvalid}, []string{"tickets-example", "id.gov.example"}},
		{"relative URI", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"s/1"} }), []error{ErrInvalid}, nil},
		{"URI without host", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https:///s/1"} }), []error{ErrInvalid}, nil},
		{"URI of another scheme", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"ftp://t.example/s/1"} }), []error{ErrInvalid}, nil},
		{"URI scheme upper case", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"HTTPS://t.example/s/1"} }), []error{ErrInvalid}, nil},
		{"URI host upper case", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://T.example/s/1"} }), []error{ErrInvalid}, nil},
		{"URI with user", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://u:p@t.example/s/1"} }), []error{ErrInvalid}, nil},
		{"URI with space", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://t.example/s 1"} }), []error{ErrInvalid}, nil},
		{"URI with a pipe", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://t.example/s|1"} }), []error{ErrInvalid}, nil},
		{"URI with a bad escape", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://t.example/s%zz"} }), []error{ErrInvalid}, nil},
		{"URI too long", edit(func(b *Bundle) {
			b.Issuers[1].StatusLists = []string{"https://t.example/" + strings.Repeat("a", MaxStatusListURILength)}
		}), []error{ErrInvalid}, nil},
		{"schema id 0", edit(func(b *Bundle) { b.Schemas[0].ID = 0 }), []error{ErrInvalid}, []string{"identity"}},
		{"schema version above 65535", edit(func(b *Bundle) { b.Schemas[0].Version = 65536 }), []error{ErrInvalid}, nil},
		{"schema digest of another hash", edit(func(b *Bundle) { b.Schemas[0].Digest = "sha512:" + testDigest[7:] }), []error{ErrInvalid}, nil},
		{"schema digest short", edit(func(b *Bundle) { b.Schemas[0].Digest = testDigest[:70] }), []error{ErrInvalid}, nil},
		{"schema listed twice", edit(func(b *Bundle) { b.Schemas[1] = b.Schemas[0] }), []error{ErrInvalid}, nil},
		{"schema id of another name", edit(func(b *Bundle) { b.Schemas[1].ID = 1 }), []error{ErrInvalid}, nil},
		{"schema name with another id", edit(func(b *Bundle) {
			b.Schemas = append(b.Schemas, Schema{Name: "identity", ID: 3, Version: 2, Digest: testDigest})
		}), []error{ErrInvalid}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.bundle.Validate()
			for _, want := range tt.want {
				keytest.WantErr(t, err, want)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %s", err, s)
				}
			}
			root := mustGenerate(t, credential.EdDSA)
			if data, err := tt.bundle.Sign(root); err == nil || data != nil {
				t.Errorf("Sign of an invalid bundle = %d bytes, %v; want an error", len(data), err)
			}
		})
	}

	// Accepted edge cases.
	valid := []struct {
		name   string
		bundle *Bundle
	}{
		{"revoked_at before not_before", edit(func(b *Bundle) { b.Issuers[0].Keys[0].RevokedAt = &earlier })},
		{"no schemas", edit(func(b *Bundle) { b.Schemas = nil })},
		{"no status lists", edit(func(b *Bundle) { b.Issuers[0].StatusLists = nil })},
		{"http status list with port and query", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"http://127.0.0.1:8080/s/1?v=2"} })},
		{"status list with escapes and an IPv6 host", edit(func(b *Bundle) { b.Issuers[1].StatusLists = []string{"https://[2001:db8::1]/s%2F1/~x"} })},
		{"two versions of a schema", edit(func(b *Bundle) {
			b.Schemas = append(b.Schemas, Schema{Name: "identity", ID: 1, Version: 2, Digest: testDigest})
		})},
		{"times with offsets", edit(func(b *Bundle) {
			b.IssuedAt = b.IssuedAt.In(time.FixedZone("CST", 8*3600))
			b.Issuers[0].Keys[0].NotAfter = &later
		})},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.bundle.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			root := mustGenerate(t, credential.EdDSA)
			got, _, err := Parse(mustSign(t, tt.bundle, root), []string{root.Public().Thumbprint()})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkSameBundle(t, got, tt.bundle)
		})
	}

	var nilBundle *Bundle
	keytest.WantErr(t, nilBundle.Validate(), ErrInvalid)
}

func TestBundleSignRefuses(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	b := testBundle(t, issuerKeys...)
	if _, err := b.Sign(nil); err == nil {
		t.Error("Sign(nil) succeeded; want an error")
	}
	// The root key must not also be an issuer key.
	_, err := b.Sign(issuerKeys[1])
	keytest.WantErr(t, err, ErrInvalid)
	if !strings.Contains(err.Error(), "id.gov.example") {
		t.Errorf("error %q does not name the issuer", err)
	}
}

func TestBundleJSON(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	b := testBundle(t, issuerKeys...)
	b.Issuers[1].StatusLists = nil
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	m := keytest.Object(t, data)
	if got := strings.Join(keytest.SortedKeys(m), ","); got != "issued_at,issuers,next_update,schemas,serial" {
		t.Errorf("bundle members %s", got)
	}
	if got := string(keytest.Marshal(t, issuerAt(m, 1)["status_lists"])); got != "[]" {
		t.Errorf("empty status_lists encoded as %s; want []", got)
	}
	k := keyAt(m, 0, 1)
	if got := strings.Join(keytest.SortedKeys(k), ","); got != "jwk,max_level,not_after,not_before,types" {
		t.Errorf("key members %s", got)
	}
	if k["max_level"] != "substantial" || k["not_after"] != "2026-02-01T00:00:00Z" {
		t.Errorf("key max_level %v not_after %v; want substantial 2026-02-01T00:00:00Z", k["max_level"], k["not_after"])
	}
	if _, ok := k["jwk"].(map[string]any)["kid"]; !ok {
		t.Errorf("key jwk %v has no kid", k["jwk"])
	}

	// Unmarshal is strict too, and json.Unmarshal into each type works.
	var back Bundle
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("json.Unmarshal(Bundle): %v", err)
	}
	if err := back.Validate(); err != nil {
		t.Fatalf("Validate after Unmarshal: %v", err)
	}
	checkSameBundle(t, &back, b)
	var key Key
	if err := json.Unmarshal(keytest.Marshal(t, k), &key); err != nil {
		t.Fatalf("json.Unmarshal(Key): %v", err)
	}
	if key.Key.Thumbprint() != issuerKeys[1].Public().Thumbprint() || key.MaxLevel != credential.LevelSubstantial {
		t.Errorf("Key = %s %s", key.Key.Thumbprint(), key.MaxLevel)
	}
	var iss Issuer
	if err := json.Unmarshal(keytest.Marshal(t, issuerAt(m, 0)), &iss); err != nil {
		t.Fatalf("json.Unmarshal(Issuer): %v", err)
	}
	if iss.ID != "id.gov.example" || len(iss.Keys) != 2 {
		t.Errorf("Issuer = %q with %d keys", iss.ID, len(iss.Keys))
	}
	k["extra"] = true
	if err := json.Unmarshal(keytest.Marshal(t, k), &key); err == nil {
		t.Error("json.Unmarshal(Key) with an unknown member succeeded")
	}
	if err := json.Unmarshal([]byte(`{"ID":"x","name":"X","keys":[],"status_lists":[]}`), &iss); err == nil {
		t.Error("json.Unmarshal(Issuer) with member \"ID\" succeeded")
	}
}

func TestParseBundleJSON(t *testing.T) {
	b := testBundle(t, testIssuerKeys(t)...)
	data, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJSON(data)
	if err != nil {
		t.Fatalf("ParseJSON: %v", err)
	}
	checkSameBundle(t, got, b)
	if _, err := ParseJSON(bytes.Repeat([]byte(" "), MaxSize+1)); err == nil {
		t.Error("ParseJSON of an oversized input succeeded")
	}
	_, err = ParseJSON(bytes.Replace(data, []byte(`"serial":7`), []byte(`"serial":0`), 1))
	keytest.WantErr(t, err, ErrInvalid)
}

func TestAuthorizationCheck(t *testing.T) {
	notAfter := testRotation
	revokedAt := testRevokedAt
	a := Authorization{
		MaxLevel:  credential.LevelSubstantial,
		Types:     []string{"identity", "ticket"},
		NotBefore: testNotBefore,
		NotAfter:  &notAfter,
		RevokedAt: &revokedAt,
	}
	withdrawn := Authorization{MaxLevel: credential.LevelHigh, Types: []string{"identity"}, NotBefore: testNotBefore, RevokedAt: &revokedAt}
	inside := testNotBefore.Add(24 * time.Hour)
	tests := []struct {
		name    string
		auth    *Authorization
		typ     string
		level   credential.Level
		iat     time.Time
		wantErr error
		wantMsg string
	}{
		{"allowed", &a, "identity", credential.LevelSubstantial, inside, nil, ""},
		{"allowed lower level", &a, "ticket", credential.LevelLow, inside, nil, ""},
		{"allowed at not_before", &a, "identity", credential.LevelLow, testNotBefore, nil, ""},
		{"level above max", &a, "identity", credential.LevelHigh, inside, ErrNotAuthorized, "key may sign up to substantial, credential is high"},
		{"level undefined", &a, "identity", 0, inside, ErrNotAuthorized, "level(0)"},
		{"type not listed", &a, "passport", credential.LevelLow, inside, ErrNotAuthorized, "key may not sign type passport (may sign: identity, ticket)"},
		{"type with odd characters", &a, "pass\nport", credential.LevelLow, inside, ErrNotAuthorized, `"pass\nport"`},
		{"iat before not_before", &a, "identity", credential.LevelLow, testNotBefore.Add(-time.Second), ErrNotAuthorized,
			"key not valid for credentials issued before 2026-01-01T00:00:00Z, credential issued 2025-12-31T23:59:59Z"},
		{"iat at not_after", &a, "identity", credential.LevelLow, notAfter, ErrNotAuthorized, "key retired from issuance at 2026-02-01T00:00:00Z"},
		{"iat after not_after", &a, "identity", credential.LevelLow, notAfter.Add(time.Hour), ErrNotAuthorized, "retired"},
		{"iat just before not_after", &a, "identity", credential.LevelLow, notAfter.Add(-time.Second), nil, ""},
		{"iat at revoked_at", &withdrawn, "identity", credential.LevelHigh, revokedAt, ErrNotAuthorized,
			"key withdrawn at 2026-02-15T12:00:00Z, credential issued 2026-02-15T12:00:00Z"},
		{"iat after revoked_at", &withdrawn, "identity", credential.LevelHigh, revokedAt.Add(48 * time.Hour), ErrNotAuthorized, "withdrawn"},
		{"iat just before revoked_at", &withdrawn, "identity", credential.LevelHigh, revokedAt.Add(-time.Second), nil, ""},
		{"revoked wins over the level", &withdrawn, "ticket", credential.LevelHigh, revokedAt, ErrNotAuthorized, "withdrawn"},
		{"nil authorization", nil, "identity", credential.LevelLow, inside, ErrMissingAuthorization, "no valid authorization"},
		{"empty authorization", &Authorization{}, "identity", credential.LevelLow, inside, ErrNotAuthorized, ""},
		{"no types", &Authorization{MaxLevel: credential.LevelHigh, NotBefore: testNotBefore}, "identity", credential.LevelLow, inside, ErrMissingAuthorization, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.auth.Check(tt.typ, tt.level, tt.iat)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			keytest.WantErr(t, err, tt.wantErr)
			keytest.WantErr(t, err, ErrNotAuthorized)
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Check = %q; want it to contain %q", err, tt.wantMsg)
			}
		})
	}
	allocs := testing.AllocsPerRun(100, func() {
		if a.Check("ticket", credential.LevelLow, inside) != nil {
			t.Fatal("Check refused")
		}
	})
	if allocs != 0 {
		t.Errorf("Check allocates %v times when it allows; want 0", allocs)
	}
}

func TestKeyRefCheckStatusList(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	b := testBundle(t, issuerKeys...)
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ref := func(i int) *KeyRef {
		t.Helper()
		r, ok := b.Key(issuerKeys[i].KID())
		if !ok {
			t.Fatalf("key %d not found", i)
		}
		return r
	}
	current, retired, withdrawn := ref(0), ref(1), ref(2)
	const list = "https://id.gov.example/s/1"
	tests := []struct {
		name    string
		ref     *KeyRef
		uri     string
		iat     time.Time
		wantMsg string // empty: authorized
	}{
		{"current key, own list", current, list, testIssuedAt, ""},
		{"second list of the issuer", current, "https://id.gov.example/s/2", testIssuedAt, ""},
		{"at not_before", current, list, testRotation, ""},
		{"before not_before", current, list, testRotation.Add(-time.Second), "key not valid for status lists issued before 2026-02-01T00:00:00Z"},
		{"retired key before not_after", retired, list, testRotation.Add(-time.Second), ""},
		{"retired key at not_after", retired, list, testRotation, "key retired from issuance at 2026-02-01T00:00:00Z, status list issued 2026-02-01T00:00:00Z"},
		{"list of another issuer", withdrawn, list, testNotBefore, `list "https://id.gov.example/s/1" is not a status list of issuer tickets-example`},
		{"list in no bundle", current, "https://id.gov.example/s/3", testIssuedAt, "is not a status list of issuer id.gov.example"},
		{"list differs in case", current, "https://ID.gov.example/s/1", testIssuedAt, "is not a status list"},
		{"list with trailing slash", current, list + "/", testIssuedAt, "is not a status list"},
		{"empty list uri", current, "", testIssuedAt, "is not a status list"},
		{"withdrawn key, own list", &KeyRef{Key: withdrawn.Key, Issuer: current.Issuer}, list, testRevokedAt, "key withdrawn at 2026-02-15T12:00:00Z, status list issued 2026-02-15T12:00:00Z"},
		{"withdrawn key before revoked_at", &KeyRef{Key: withdrawn.Key, Issuer: current.Issuer}, list, testRevokedAt.Add(-time.Second), ""},
		{"nil ref", nil, list, testIssuedAt, "no key"},
		{"no authorization", &KeyRef{Key: &Key{}, Issuer: current.Issuer}, list, testIssuedAt, "no valid authorization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ref.CheckStatusList(tt.uri, tt.iat)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("CheckStatusList = %v; want nil", err)
				}
				return
			}
			keytest.WantErr(t, err, ErrNotAuthorized)
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("CheckStatusList = %q; want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestBundleLookups(t *testing.T) {
	root := mustGenerate(t, credential.EdDSA)
	issuerKeys := testIssuerKeys(t)
	data := mustSign(t, testBundle(t, issuerKeys...), root)
	b, _, err := Parse(data, []string{root.Public().Thumbprint()})
	if err != nil {
		t.Fatal(err)
	}
	issuerTests := []struct {
		id   string
		want bool
	}{{"id.gov.example", true}, {"tickets-example", true}, {"ID.GOV.EXAMPLE", false}, {"", false}}
	for _, tt := range issuerTests {
		iss, ok := b.Issuer(tt.id)
		if ok != tt.want || ok && iss.ID != tt.id {
			t.Errorf("Issuer(%q) = %v, %v; want %v", tt.id, iss, ok, tt.want)
		}
	}
	listTests := []struct {
		uri, want string
	}{
		{"https://id.gov.example/s/1", "id.gov.example"},
		{"https://id.gov.example/s/2", "id.gov.example"},
		{"https://id.gov.example/s/3", ""},
		{"https://id.gov.example/s/1/", ""},
		{"HTTPS://id.gov.example/s/1", ""},
	}
	for _, tt := range listTests {
		iss, ok := b.IssuerOfStatusList(tt.uri)
		if got := ""; ok {
			got = iss.ID
			if got != tt.want {
				t.Errorf("IssuerOfStatusList(%q) = %q; want %q", tt.uri, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("IssuerOfStatusList(%q) not found; want %q", tt.uri, tt.want)
		}
	}
	kidTests := []struct {
		name string
		kid  []byte
		want bool
	}{
		{"issuer key", issuerKeys[2].KID(), true},
		{"root kid", root.KID(), false},
		{"nil", nil, false},
		{"short", issuerKeys[2].KID()[:keys.KIDSize-1], false},
		{"long", append(issuerKeys[2].KID(), 0), false},
	}
	for _, tt := range kidTests {
		if _, ok := b.Key(tt.kid); ok != tt.want {
			t.Errorf("Key(%s) found = %v; want %v", tt.name, ok, tt.want)
		}
	}

	var nilBundle *Bundle
	if _, ok := nilBundle.Key(issuerKeys[0].KID()); ok {
		t.Error("nil bundle Key found a key")
	}
	if _, ok := nilBundle.Issuer("id.gov.example"); ok {
		t.Error("nil bundle Issuer found an issuer")
	}
	if _, ok := nilBundle.IssuerOfStatusList("https://id.gov.example/s/1"); ok {
		t.Error("nil bundle IssuerOfStatusList found an issuer")
	}

	// A bundle built in Go and never validated is indexed on first use.
	fresh := testBundle(t, issuerKeys...)
	if ref, ok := fresh.Key(issuerKeys[1].KID()); !ok || ref.Issuer.ID != "id.gov.example" {
		t.Errorf("Key on an unvalidated bundle = %v, %v", ref, ok)
	}
	// Validate rebuilds the index after a change.
	fresh.Issuers[0].ID = "registry.example"
	if err := fresh.Validate(); err != nil {
		t.Fatal(err)
	}
	if ref, ok := fresh.Key(issuerKeys[1].KID()); !ok || ref.Issuer.ID != "registry.example" {
		t.Errorf("Key after Validate = %v, %v; want issuer registry.example", ref, ok)
	}
}

func TestBundleLookupDoesNotAllocate(t *testing.T) {
	b, kids := benchmarkBundle(t, 100)
	missing := make([]byte, keys.KIDSize)
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := b.Key(kids[57]); !ok {
			t.Fatal("key not found")
		}
		if _, ok := b.Key(missing); ok {
			t.Fatal("found a missing key")
		}
		if _, ok := b.Issuer("issuer-9"); !ok {
			t.Fatal("issuer not found")
		}
		if _, ok := b.IssuerOfStatusList("https://issuer-9.example/s/1"); !ok {
			t.Fatal("status list not found")
		}
	})
	if allocs != 0 {
		t.Errorf("lookups allocate %v times; want 0", allocs)
	}
}

func TestBundleConcurrentLookups(t *testing.T) {
	issuerKeys := testIssuerKeys(t)
	for _, validated := range []bool{true, false} {
		t.Run(fmt.Sprintf("validated=%v", validated), func(t *testing.T) {
			b := testBundle(t, issuerKeys...)
			if validated {
				if err := b.Validate(); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 100 {
						k := issuerKeys[(g+i)%len(issuerKeys)]
						ref, ok := b.Key(k.KID())
						if !ok || ref.Key.Key.Thumbprint() != k.Public().Thumbprint() {
							t.Error("concurrent Key lookup failed")
							return
						}
						if _, ok := b.IssuerOfStatusList("https://id.gov.example/s/2"); !ok {
							t.Error("concurrent IssuerOfStatusList failed")
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// benchmarkBundle returns a valid bundle of n issuer keys, five per issuer,
// half of them Ed25519 and half P-256, with the kids of all keys.
func benchmarkBundle(tb testing.TB, n int) (*Bundle, [][]byte) {
	tb.Helper()
	b := &Bundle{Serial: 1, IssuedAt: testIssuedAt, NextUpdate: testNextUpdate}
	var kids [][]byte
	for i := range n {
		if i%5 == 0 {
			id := fmt.Sprintf("issuer-%d", i/5)
			b.Issuers = append(b.Issuers, Issuer{
				ID: id, Name: "Issuer " + id,
				StatusLists: []string{"https://" + id + ".example/s/1", "https://" + id + ".example/s/2"},
			})
		}
		k := mustGenerate(tb, keytest.Algorithms[i%2])
		kids = append(kids, k.KID())
		iss := &b.Issuers[len(b.Issuers)-1]
		iss.Keys = append(iss.Keys, Key{Key: k.Public(), Authorization: Authorization{
			MaxLevel: credential.LevelHigh, Types: []string{"identity", "ticket"}, NotBefore: testNotBefore,
		}})
	}
	if err := b.Validate(); err != nil {
		tb.Fatal(err)
	}
	return b, kids
}

func BenchmarkParseBundle100Keys(b *testing.B) {
	for _, alg := range keytest.Algorithms {
		b.Run(string(alg)+" root", func(b *testing.B) {
			bundle, _ := benchmarkBundle(b, 100)
			root := mustGenerate(b, alg)
			data := mustSign(b, bundle, root)
			pinned := []string{root.Public().Thumbprint()}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Parse(data, pinned); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBundleKeyLookup(b *testing.B) {
	bundle, kids := benchmarkBundle(b, 100)
	missing := make([]byte, keys.KIDSize)
	b.Run("hit", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := bundle.Key(kids[i%len(kids)]); !ok {
				b.Fatal("key not found")
			}
		}
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := bundle.Key(missing); ok {
				b.Fatal("unexpected key")
			}
		}
	})
}

func TestParseBundleTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; empty: refused
	}{
		{"2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"},
		{"2026-03-01T08:00:00+08:00", "2026-03-01T00:00:00Z"},
		{"2026-03-01T00:00:00-00:30", "2026-03-01T00:30:00Z"},
		{"2026-03-01T00:00:00.5Z", "2026-03-01T00:00:00.5Z"},
		{"2026-03-01T00:00:00.123456789Z", "2026-03-01T00:00:00.123456789Z"},
		{"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
		{"2028-02-29T00:00:00Z", "2028-02-29T00:00:00Z"},
		{"2026-03-01T00:00:00.1234567891Z", ""},
		{"2026-03-01T00:00:00.Z", ""},
		{"2026-03-01T00:00:00,5Z", ""},
		{"2026-03-01t00:00:00Z", ""},
		{"2026-03-01T00:00:00z", ""},
		{"2026-03-01 00:00:00Z", ""},
		{"2026-03-01T00:00:60Z", ""},
		{"2026-03-01T24:00:00Z", ""},
		{"2026-02-29T00:00:00Z", ""},
		{"2026-13-01T00:00:00Z", ""},
		{"2026-03-01T00:00:00+24:00", ""},
		{"2026-03-01T00:00:00+08:60", ""},
		{"2026-03-01T00:00:00+0800", ""},
		{"2026-03-01T00:00:00", ""},
		{"2026-03-01", ""},
		{"+2026-03-01T00:00:00Z", ""},
		{" 2026-03-01T00:00:00Z", ""},
		{"2026-03-01T00:00:00Z ", ""},
		{"2026-03-01T00:00:00\uff3a", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := parseBundleTime(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("parseBundleTime(%q) = %v; want an error", tt.in, got)
		case tt.want == "":
			keytest.WantErr(t, err, ErrMalformed)
		case err != nil:
			t.Errorf("parseBundleTime(%q): %v", tt.in, err)
		case got.UTC().Format(time.RFC3339Nano) != tt.want:
			t.Errorf("parseBundleTime(%q) = %s; want %s", tt.in, got.UTC().Format(time.RFC3339Nano), tt.want)
		}
	}
}

func TestBundlePayloadDigest(t *testing.T) {
	for _, alg := range keytest.Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			root := mustGenerate(t, alg)
			pinned := []string{root.Public().Thumbprint()}
			b := testBundle(t, testIssuerKeys(t)...)
			built := b.PayloadDigest()
			first := mustSign(t, b, root)
			second := mustSign(t, b, root)
			if alg == credential.ES256 && bytes.Equal(first, second) {
				t.Error("two ES256 signatures are equal; want randomized signatures")
			}
			p1, _, err := Parse(first, pinned)
			if err != nil {
				t.Fatal(err)
			}
			p2, _, err := Parse(second, pinned)
			if err != nil {
				t.Fatal(err)
			}
			want := "sha256:" + fmt.Sprintf("%x", sha256.Sum256(jwsPayload(t, first)))
			for name, got := range map[string]string{"built": built, "signed": b.PayloadDigest(), "first": p1.PayloadDigest(), "second": p2.PayloadDigest()} {
				if got != want {
					t.Errorf("%s PayloadDigest = %s; want %s", name, got, want)
				}
			}
			// Another payload for the same serial has another digest, even
			// when it means the same.
			spaced := rawJWS(t, rootHeader(t, root.Public()), append([]byte(" "), jwsPayload(t, first)...), root.Signer())
			p3, _, err := Parse(spaced, pinned)
			if err != nil {
				t.Fatal(err)
			}
			if p3.PayloadDigest() == want || p3.Serial != p1.Serial {
				t.Errorf("a different payload has digest %s, serial %d", p3.PayloadDigest(), p3.Serial)
			}
		})
	}
}
