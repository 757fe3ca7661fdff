package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// Trust bundle profile (spec/bundle.md).
const (
	// Type is the JWS "typ" header of a trust bundle.
	Type = "netcred-bundle+json"
	// MaxSize is the largest bundle, in bytes of its JWS compact
	// serialization, that Parse reads and Sign writes.
	MaxSize = 8 << 20
	// MaxSerial is the largest bundle serial: 2^53-1, the largest integer
	// that every JSON implementation reads exactly (RFC 7493 §2.2).
	MaxSerial = 1<<53 - 1
	// MaxIssuerIDLength is the longest issuer id, in bytes.
	MaxIssuerIDLength = 64
	// MaxIssuerNameLength is the longest issuer name, in characters.
	MaxIssuerNameLength = 128
	// MaxStatusListURILength is the longest status list URI, in bytes.
	MaxStatusListURILength = 2048
	// MaxSchemaNumber is the largest schema id and schema version.
	MaxSchemaNumber = 65535
)

// maxBundleDepth is the deepest nesting of JSON arrays and objects a bundle
// payload may have; a valid one needs 7 (bundle, issuers, issuer, keys,
// key, jwk, key_ops).
const maxBundleDepth = 16

// Authorization says what an issuer key may sign. Every window is decided
// by the credential's iat, so that a verifier reaches the same answer
// whenever it checks a credential.
type Authorization struct {
	// MaxLevel is the highest assurance level the key may sign. Required.
	MaxLevel credential.Level `json:"max_level"`
	// Types are the credential type names (schema names) the key may sign.
	// Required: at least one, no duplicates.
	Types []string `json:"types"`
	// NotBefore: credentials with an iat before it are not authorized.
	// Required.
	NotBefore time.Time `json:"not_before"`
	// NotAfter, when set, retires the key from issuance: credentials with
	// an iat at or after it are not authorized, while those issued before
	// stay valid. It must be after NotBefore.
	NotAfter *time.Time `json:"not_after,omitempty"`
	// RevokedAt, when set, withdraws the key: credentials with an iat at or
	// after it are refused. A stolen key can backdate iat, so an operator
	// who fears that sets it to the earliest time the key may have been
	// compromised.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Check reports why a key with this authorization may not sign a credential
// of type typeName at level issued at iat, or nil if it may
// (spec/bundle.md §4, rules 1 to 5 in that order). The error wraps
// ErrNotAuthorized with the reason, such as "key may sign up to
// substantial, credential is high"; an authorization without max_level,
// types or not_before also wraps ErrMissingAuthorization. Check does not
// allocate when it returns nil.
func (a *Authorization) Check(typeName string, level credential.Level, iat time.Time) error {
	if err := a.checkInService(iat, "credential"); err != nil {
		return err
	}
	if !slices.Contains(a.Types, typeName) {
		return fmt.Errorf("%w: key may not sign type %s (may sign: %s)", ErrNotAuthorized, printable(typeName), strings.Join(a.Types, ", "))
	}
	if !level.Valid() {
		return fmt.Errorf("%w: credential level %s is not low, substantial or high", ErrNotAuthorized, level)
	}
	if level > a.MaxLevel {
		return fmt.Errorf("%w: key may sign up to %s, credential is %s", ErrNotAuthorized, a.MaxLevel, level)
	}
	return nil
}

// checkInService applies rules 1 to 3 of spec/bundle.md §4, the windows
// that credentials and status list tokens share: what names the signed
// object in messages.
func (a *Authorization) checkInService(iat time.Time, what string) error {
	if a == nil || !a.MaxLevel.Valid() || len(a.Types) == 0 || a.NotBefore.IsZero() {
		return &bundleError{
			msg:  ErrNotAuthorized.Error() + ": the key has no valid authorization",
			errs: []error{ErrNotAuthorized, ErrMissingAuthorization},
		}
	}
	if a.RevokedAt != nil && !iat.Before(*a.RevokedAt) {
		return fmt.Errorf("%w: key withdrawn at %s, %s issued %s", ErrNotAuthorized, stamp(*a.RevokedAt), what, stamp(iat))
	}
	if iat.Before(a.NotBefore) {
		return fmt.Errorf("%w: key not valid for %ss issued before %s, %s issued %s", ErrNotAuthorized, what, stamp(a.NotBefore), what, stamp(iat))
	}
	if a.NotAfter != nil && !iat.Before(*a.NotAfter) {
		return fmt.Errorf("%w: key retired from issuance at %s, %s issued %s", ErrNotAuthorized, stamp(*a.NotAfter), what, stamp(iat))
	}
	return nil
}

// CheckStatusList reports why the key may not sign the status list token
// of list uri issued at iat, or nil if it may (spec/bundle.md §4.2): the
// list must be one of the status lists of the key's issuer, and the key in
// service at iat under the same rules 1 to 3 as a credential (a retired or
// withdrawn key, if stolen, must not publish "all valid" lists). The error
// wraps ErrNotAuthorized.
func (r *KeyRef) CheckStatusList(uri string, iat time.Time) error {
	if r == nil || r.Key == nil || r.Issuer == nil {
		return fmt.Errorf("%w: no key", ErrNotAuthorized)
	}
	if !slices.Contains(r.Issuer.StatusLists, uri) {
		return fmt.Errorf("%w: list %q is not a status list of issuer %s", ErrNotAuthorized, uri, r.Issuer.ID)
	}
	return r.Key.checkInService(iat, "status list")
}

// validate checks the authorization's own rules; where names the key.
func (a *Authorization) validate(where string) error {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, ErrMissingAuthorization, where+": authorization: "+format, args...)
	}
	switch {
	case a.MaxLevel == 0:
		return fail("max_level is missing")
	case !a.MaxLevel.Valid():
		return fail("max_level %s is not low, substantial or high", a.MaxLevel)
	case len(a.Types) == 0:
		return fail("types is missing or empty")
	}
	for i, t := range a.Types {
		if !validTypeName(t) {
			return fail("type %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", t)
		}
		if slices.Contains(a.Types[:i], t) {
			return fail("type %q is listed twice", t)
		}
	}
	if a.NotBefore.IsZero() {
		return fail("not_before is missing")
	}
	if !validTime(a.NotBefore) {
		return fail("not_before %s is outside the years 0001 to 9999", a.NotBefore)
	}
	if a.NotAfter != nil {
		if !validTime(*a.NotAfter) {
			return fail("not_after %s is outside the years 0001 to 9999", *a.NotAfter)
		}
		if !a.NotAfter.After(a.NotBefore) {
			return fail("not_after %s is not after not_before %s", stamp(*a.NotAfter), stamp(a.NotBefore))
		}
	}
	if a.RevokedAt != nil && !validTime(*a.RevokedAt) {
		return fail("revoked_at %s is outside the years 0001 to 9999", *a.RevokedAt)
	}
	return nil
}

// Key is an issuer key in a trust bundle with what it may sign. In
// JSON it is one object: "jwk" (a public JWK under keys.ParsePublicJWK's rules)
// beside the Authorization members.
type Key struct {
	// Key is the public key.
	Key *keys.PublicKey `json:"jwk"`
	Authorization
}

// Issuer is an issuer the trust bundle lists.
type Issuer struct {
	// ID identifies the issuer: 1 to MaxIssuerIDLength characters a-z,
	// 0-9, '.' and '-', starting and ending with a letter or digit; unique
	// in the bundle. A credential's iss, when present, must equal it.
	ID string `json:"id"`
	// Name is the issuer's name for people: 1 to MaxIssuerNameLength
	// characters, no control characters.
	Name string `json:"name"`
	// Keys are the issuer's keys, at least one. Kids are unique across the
	// whole bundle.
	Keys []Key `json:"keys"`
	// StatusLists are the absolute http or https URIs of the issuer's
	// status lists, possibly none; a URI appears at most once in the whole
	// bundle.
	StatusLists []string `json:"status_lists"`
}

// Schema pins a credential type's schema by digest.
type Schema struct {
	// Name is the type's name, such as "identity".
	Name string `json:"name"`
	// ID is the type's numeric id on the wire, 1 to MaxSchemaNumber.
	ID uint64 `json:"id"`
	// Version is the schema version, 1 to MaxSchemaNumber.
	Version uint64 `json:"version"`
	// Digest is "sha256:" and 64 lower-case hex digits, as
	// schemas.Schema.Digest returns.
	Digest string `json:"digest"`
}

// Bundle is the trust bundle: the issuers a root key trusts, their keys
// and what each may sign, their status lists and the schema digests. It
// travels as the payload of a JWS signed by an offline root key (Sign,
// Parse).
//
// A Bundle returned by Parse or ParseJSON, or accepted by
// Validate, must not be modified afterwards; it is then safe for
// concurrent use. Do not copy a Bundle by value.
type Bundle struct {
	// Serial numbers bundles: 1 to MaxSerial, higher in each new bundle.
	// A verifier refuses a bundle with a lower serial than the one it has.
	Serial uint64 `json:"serial"`
	// IssuedAt is when the bundle was made.
	IssuedAt time.Time `json:"issued_at"`
	// NextUpdate is when the next bundle is due, after IssuedAt. A
	// verifier treats a bundle past it as expired.
	NextUpdate time.Time `json:"next_update"`
	// Issuers are the trusted issuers, at least one.
	Issuers []Issuer `json:"issuers"`
	// Schemas are the pinned schema digests, possibly none.
	Schemas []Schema `json:"schemas,omitempty"`

	index  atomic.Pointer[bundleIndex]
	digest string // of the payload it was decoded from or signed as
}

// PayloadDigest returns "sha256:" and the lower-case hex SHA-256 of the
// payload octets the bundle was decoded from (the JWS payload for
// Parse and Inspect, the input of ParseJSON) or last
// signed as by Sign; for a bundle built in Go and never signed, of
// MarshalJSON's output. A trust store keeps it to tell whether a bundle
// with the serial it has is the same bundle (spec/bundle.md §7): compare
// payloads, not JWS bytes, since an ES256 signature is randomized.
func (b *Bundle) PayloadDigest() string {
	if b == nil {
		return ""
	}
	if b.digest != "" {
		return b.digest
	}
	data, err := b.MarshalJSON()
	if err != nil {
		return ""
	}
	return payloadDigest(data)
}

func payloadDigest(payload []byte) string {
	sum := sha256.Sum256(payload)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// KeyRef is a key found in a bundle, with its issuer. Both point into
// the bundle and must not be modified.
type KeyRef struct {
	Key    *Key
	Issuer *Issuer
}

// bundleIndex holds the lookup tables of a bundle.
type bundleIndex struct {
	refs    []KeyRef
	byKID   map[string]int
	issuers map[string]int
	lists   map[string]int
}

// Key returns the key whose kid is kid and its issuer. It does not
// allocate once the bundle's index exists (Parse, ParseJSON and
// Validate build it; otherwise the first lookup does).
func (b *Bundle) Key(kid []byte) (*KeyRef, bool) {
	if b == nil || len(kid) != keys.KIDSize {
		return nil, false
	}
	idx := b.lookupIndex()
	i, ok := idx.byKID[string(kid)]
	if !ok {
		return nil, false
	}
	return &idx.refs[i], true
}

// Issuer returns the issuer whose id is id.
func (b *Bundle) Issuer(id string) (*Issuer, bool) {
	if b == nil {
		return nil, false
	}
	i, ok := b.lookupIndex().issuers[id]
	if !ok {
		return nil, false
	}
	return &b.Issuers[i], true
}

// IssuerOfStatusList returns the issuer that lists the status list uri.
// URIs are compared byte for byte.
func (b *Bundle) IssuerOfStatusList(uri string) (*Issuer, bool) {
	if b == nil {
		return nil, false
	}
	i, ok := b.lookupIndex().lists[uri]
	if !ok {
		return nil, false
	}
	return &b.Issuers[i], true
}

func (b *Bundle) lookupIndex() *bundleIndex {
	if idx := b.index.Load(); idx != nil {
		return idx
	}
	// A bundle that was never validated: index what is there, first entry
	// wins. Concurrent callers may each build one; they are equal.
	idx := newBundleIndex(b)
	for i := range b.Issuers {
		iss := &b.Issuers[i]
		if _, dup := idx.issuers[iss.ID]; !dup {
			idx.issuers[iss.ID] = i
		}
		for j := range iss.Keys {
			k := &iss.Keys[j]
			if k.Key == nil || len(k.Key.KID()) != keys.KIDSize {
				continue
			}
			if _, dup := idx.byKID[string(k.Key.KID())]; !dup {
				idx.byKID[string(k.Key.KID())] = len(idx.refs)
				idx.refs = append(idx.refs, KeyRef{Key: k, Issuer: iss})
			}
		}
		for _, u := range iss.StatusLists {
			if _, dup := idx.lists[u]; !dup {
				idx.lists[u] = i
			}
		}
	}
	b.index.Store(idx)
	return idx
}

func newBundleIndex(b *Bundle) *bundleIndex {
	n := 0
	for i := range b.Issuers {
		n += len(b.Issuers[i].Keys)
	}
	return &bundleIndex{
		refs:    make([]KeyRef, 0, n),
		byKID:   make(map[string]int, n),
		issuers: make(map[string]int, len(b.Issuers)),
		lists:   make(map[string]int),
	}
}

// Validate checks every rule of spec/bundle.md that the bundle itself can
// break: serial and times; at least one issuer; issuer ids (syntax,
// duplicates) and names; at least one key per issuer, each a valid public
// key with a kid no other key in the bundle has (ErrDuplicateKID) and a
// complete authorization (ErrMissingAuthorization); status list URIs
// (absolute http or https, no duplicates in the whole bundle); schema
// entries. Every error wraps ErrInvalid and names the issuer id and
// kid concerned. A bundle that passes has its lookup index built.
func (b *Bundle) Validate() error {
	if b == nil {
		return bundleErrorf(ErrInvalid, nil, "no bundle")
	}
	b.index.Store(nil)
	idx, err := b.validate()
	if err != nil {
		return err
	}
	b.index.Store(idx)
	return nil
}

func (b *Bundle) validate() (*bundleIndex, error) {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, nil, format, args...)
	}
	if b.Serial < 1 || b.Serial > MaxSerial {
		return nil, fail("serial %d is outside 1..%d", b.Serial, uint64(MaxSerial))
	}
	switch {
	case b.IssuedAt.IsZero():
		return nil, fail("issued_at is missing")
	case !validTime(b.IssuedAt):
		return nil, fail("issued_at %s is outside the years 0001 to 9999", b.IssuedAt)
	case b.NextUpdate.IsZero():
		return nil, fail("next_update is missing")
	case !validTime(b.NextUpdate):
		return nil, fail("next_update %s is outside the years 0001 to 9999", b.NextUpdate)
	case !b.NextUpdate.After(b.IssuedAt):
		return nil, fail("next_update %s is not after issued_at %s", stamp(b.NextUpdate), stamp(b.IssuedAt))
	case len(b.Issuers) == 0:
		return nil, fail("no issuers")
	}
	idx := newBundleIndex(b)
	for i := range b.Issuers {
		iss := &b.Issuers[i]
		if !validIssuerID(iss.ID) {
			return nil, fail("issuer %d: id %q: want 1 to %d characters a-z, 0-9, '.' and '-', starting and ending with a letter or digit", i+1, iss.ID, MaxIssuerIDLength)
		}
		if _, dup := idx.issuers[iss.ID]; dup {
			return nil, fail("issuer %q: listed twice", iss.ID)
		}
		idx.issuers[iss.ID] = i
		if err := checkIssuerName(iss.Name); err != nil {
			return nil, fail("issuer %q: name %s", iss.ID, err)
		}
		if len(iss.Keys) == 0 {
			return nil, fail("issuer %q: no keys", iss.ID)
		}
		for j := range iss.Keys {
			k := &iss.Keys[j]
			if k.Key == nil || len(k.Key.KID()) != keys.KIDSize || k.Key.Key() == nil {
				return nil, bundleErrorf(ErrInvalid, keys.ErrInvalidKey, "issuer %q key %d: no valid public key", iss.ID, j+1)
			}
			where := fmt.Sprintf("issuer %q key %s", iss.ID, k.Key.KIDString())
			if other, dup := idx.byKID[string(k.Key.KID())]; dup {
				return nil, bundleErrorf(ErrInvalid, keys.ErrDuplicateKID, "%s: duplicate kid, also a key of issuer %q", where, idx.refs[other].Issuer.ID)
			}
			if err := k.Authorization.validate(where); err != nil {
				return nil, err
			}
			idx.byKID[string(k.Key.KID())] = len(idx.refs)
			idx.refs = append(idx.refs, KeyRef{Key: k, Issuer: iss})
		}
		for _, u := range iss.StatusLists {
			if err := checkStatusListURI(u); err != nil {
				return nil, fail("issuer %q: status list %q: %s", iss.ID, u, err)
			}
			if other, dup := idx.lists[u]; dup {
				return nil, fail("issuer %q: status list %q is also listed by issuer %q", iss.ID, u, b.Issuers[other].ID)
			}
			idx.lists[u] = i
		}
	}
	if err := validateSchemas(b.Schemas); err != nil {
		return nil, err
	}
	return idx, nil
}

// builtinIDs are the wire ids of the built-in types, which the spec fixes:
// a bundle cannot list them under other ids.
var builtinIDs = map[string]uint64{schemas.IdentityName: schemas.IdentityID, schemas.TicketName: schemas.TicketID}

// byteOrderMark is U+FEFF in UTF-8.
var byteOrderMark = []byte{0xef, 0xbb, 0xbf}

// Looks reports whether data is meant as a trust bundle rather than
// another kind of file, so that a caller sorting inputs hands it to Parse
// and gets ErrMalformed for a broken one: after whitespace and a
// byte-order mark are trimmed, data is base64url that starts with "eyJ"
// (a JSON object) or has dots (a JWS compact serialization, whatever its
// header), or it starts with "{" (a JWS JSON serialization, which Parse
// refuses).
func Looks(data []byte) bool {
	d := bytes.Trim(data, " \t\r\n")
	d = bytes.Trim(bytes.TrimPrefix(d, byteOrderMark), " \t\r\n")
	if bytes.HasPrefix(d, []byte("{")) {
		return true
	}
	dots := 0
	for _, c := range d {
		switch {
		case c == '.':
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return dots > 0 || bytes.HasPrefix(d, []byte("eyJ"))
}

func validateSchemas(schemas []Schema) error {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, nil, format, args...)
	}
	type nameVersion struct {
		name    string
		version uint64
	}
	type idVersion struct{ id, version uint64 }
	byNameVersion := make(map[nameVersion]bool, len(schemas))
	byIDVersion := make(map[idVersion]bool, len(schemas))
	idOfName := make(map[string]uint64, len(schemas))
	nameOfID := make(map[uint64]string, len(schemas))
	for i, s := range schemas {
		if !validTypeName(s.Name) {
			return fail("schema %d: name %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", i+1, s.Name)
		}
		where := fmt.Sprintf("schema %q version %d", s.Name, s.Version)
		switch {
		case s.ID < 1 || s.ID > MaxSchemaNumber:
			return fail("%s: id %d is outside 1..%d", where, s.ID, MaxSchemaNumber)
		case s.Version < 1 || s.Version > MaxSchemaNumber:
			return fail("%s: version is outside 1..%d", where, MaxSchemaNumber)
		case !validDigest(s.Digest):
			return fail("%s: digest %q: want \"sha256:\" and 64 lower-case hex digits", where, s.Digest)
		case byNameVersion[nameVersion{s.Name, s.Version}]:
			return fail("%s: listed twice", where)
		case byIDVersion[idVersion{s.ID, s.Version}]:
			return fail("%s: id %d version %d is listed twice", where, s.ID, s.Version)
		}
		if id, ok := builtinIDs[s.Name]; ok && id != s.ID {
			return fail("%s: id %d, but %s is a built-in type of id %d (credential.md §5.1)", where, s.ID, s.Name, id)
		}
		for name, id := range builtinIDs {
			if id == s.ID && name != s.Name {
				return fail("%s: id %d is the id of the built-in type %s (credential.md §5.1)", where, s.ID, name)
			}
		}
		if id, ok := idOfName[s.Name]; ok && id != s.ID {
			return fail("%s: id %d, but another version of %q has id %d", where, s.ID, s.Name, id)
		}
		if name, ok := nameOfID[s.ID]; ok && name != s.Name {
			return fail("%s: id %d is also the id of schema %q", where, s.ID, name)
		}
		byNameVersion[nameVersion{s.Name, s.Version}] = true
		byIDVersion[idVersion{s.ID, s.Version}] = true
		idOfName[s.Name] = s.ID
		nameOfID[s.ID] = s.Name
	}
	return nil
}

// checkRoot refuses a root key that the bundle also lists as an issuer key:
// the offline root and the online issuers keep separate keys.
func (b *Bundle) checkRoot(root *keys.PublicKey) error {
	for i := range b.Issuers {
		for j := range b.Issuers[i].Keys {
			if k := b.Issuers[i].Keys[j].Key; k != nil && k.Thumbprint() == root.Thumbprint() {
				return bundleErrorf(ErrInvalid, nil, "issuer %q key %s is the root key that signs the bundle", b.Issuers[i].ID, k.KIDString())
			}
		}
	}
	return nil
}

// Parse verifies a signed trust bundle and returns it with the root
// key that signed it. The bundle must be a JWS compact serialization of at
// most MaxSize bytes (leading and trailing whitespace is ignored)
// whose protected header has exactly the members alg, kid, jwk and typ:
// typ Type, jwk a public key under keys.ParsePublicJWK's rules whose RFC
// 7638 thumbprint is one of pinned, alg the algorithm that key is bound to
// and kid its kid. The signature must verify with that key. The payload
// is then decoded strictly (ParseJSON) and validated.
//
// Errors wrap ErrUntrusted (no pinned root, a bad signature, a header
// alg or jwk that cannot be trusted), ErrMalformed (not a compact
// JWS, a bad header, a payload that is not the bundle's JSON), ErrTooLarge,
// or Validate's errors (ErrInvalid).
func Parse(data []byte, pinned []string) (*Bundle, *keys.PublicKey, error) {
	return parseBundle(data, pinned, true)
}

// Inspect parses a signed trust bundle and checks its signature
// against the root key embedded in its own header, without pinning: it
// does NOT establish that the bundle is trustworthy, since anyone can sign
// a bundle with a key of their own. It is for displaying a bundle
// (`netcred bundle show`) and for learning the thumbprint of a root to
// pin; every other check is that of Parse.
func Inspect(data []byte) (*Bundle, *keys.PublicKey, error) {
	return parseBundle(data, nil, false)
}

func parseBundle(data []byte, pinned []string, pin bool) (*Bundle, *keys.PublicKey, error) {
	if len(data) > MaxSize {
		return nil, nil, fmt.Errorf("%w: bundle of %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	compact := bytes.Trim(data, " \t\r\n")
	jws, err := parseCompact(compact)
	if err != nil {
		return nil, nil, err
	}
	root, err := readBundleHeader(jws.header)
	if err != nil {
		return nil, nil, err
	}
	if pin {
		if len(pinned) == 0 {
			return nil, nil, fmt.Errorf("%w: no root key is pinned", ErrUntrusted)
		}
		if !slices.Contains(pinned, root.Thumbprint()) {
			return nil, nil, fmt.Errorf("%w: bundle signed by root %s, which is not pinned", ErrUntrusted, root.Thumbprint())
		}
	}
	if !jws.verify(root) {
		return nil, nil, fmt.Errorf("%w: signature does not verify with root %s", ErrUntrusted, root.Thumbprint())
	}
	payload := jws.payload
	b, err := ParseJSON(payload)
	if err != nil {
		return nil, nil, err
	}
	if err := b.checkRoot(root); err != nil {
		return nil, nil, err
	}
	return b, root, nil
}

// bundleHeaderMembers are the members a bundle's protected header has,
// all required, and no other.
var bundleHeaderMembers = []string{"alg", "jwk", "kid", "typ"}

// readBundleHeader decodes the protected header and returns the root key it
// names, checked against the header's alg and kid.
func readBundleHeader(raw []byte) (*keys.PublicKey, error) {
	var members map[string]json.RawMessage
	if err := strictjson.Unmarshal(raw, &members); err != nil {
		return nil, fmt.Errorf("%w: JWS header: %v", ErrMalformed, err)
	}
	if members == nil {
		return nil, fmt.Errorf("%w: JWS header is not a JSON object", ErrMalformed)
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(bundleHeaderMembers, name) {
			return nil, fmt.Errorf("%w: JWS header member %q is not allowed (want only alg, kid, jwk and typ)", ErrMalformed, name)
		}
	}
	alg, ok, err := headerString(members, "alg")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, bundleErrorf(ErrUntrusted, keys.ErrMissingAlgorithm, "JWS header has no alg")
	case alg != string(credential.EdDSA) && alg != string(credential.ES256):
		return nil, bundleErrorf(ErrUntrusted, keys.ErrUnsupportedAlgorithm, "JWS alg %q (want EdDSA or ES256)", alg)
	}
	typ, ok, err := headerString(members, "typ")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: JWS header has no typ (want %q)", ErrMalformed, Type)
	case typ != Type:
		return nil, fmt.Errorf("%w: JWS typ %q (want %q)", ErrMalformed, typ, Type)
	}
	jwk, ok := members["jwk"]
	if !ok {
		return nil, fmt.Errorf("%w: JWS header has no jwk: the root key cannot be identified", ErrUntrusted)
	}
	root, err := keys.ParsePublicJWK(jwk)
	if err != nil {
		return nil, bundleErrorf(ErrUntrusted, err, "JWS header jwk: %v", err)
	}
	if credential.Algorithm(alg) != root.Algorithm() {
		return nil, bundleErrorf(ErrUntrusted, keys.ErrAlgorithmMismatch, "JWS alg %q, but the root key %s is bound to %s", alg, root.Thumbprint(), root.Algorithm())
	}
	kid, ok, err := headerString(members, "kid")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%w: JWS header has no kid", ErrMalformed)
	case kid != root.KIDString():
		return nil, bundleErrorf(ErrUntrusted, keys.ErrKIDMismatch, "JWS kid %q, but the root key's kid is %q", kid, root.KIDString())
	}
	return root, nil
}

// headerString reads a string member of the protected header.
func headerString(members map[string]json.RawMessage, name string) (string, bool, error) {
	raw, ok := members[name]
	if !ok {
		return "", false, nil
	}
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", true, fmt.Errorf("%w: JWS header %q is not a string", ErrMalformed, name)
	}
	return s, true, nil
}

// ParseJSON decodes an unsigned bundle document, the JSON that Sign
// signs (for example the file an operator edits before `netcred bundle
// sign`), and validates it. Decoding is strict: valid UTF-8, one JSON
// object, no member names other than the bundle's (matched
// case-sensitively), no duplicate members, no null values, no nesting
// deeper than 16; such errors wrap ErrMalformed. A key's "jwk" must
// pass ParsePublicJWK. It does not check any signature.
func ParseJSON(data []byte) (*Bundle, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: bundle of %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	b := new(Bundle)
	if err := b.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	return b, nil
}

// The JSON forms the decoder reads. Keys are held as raw JSON until
// ParsePublicJWK reads them; status_lists is a pointer so that a missing
// member is told apart from an empty array.
type (
	wireBundle struct {
		Serial     uint64       `json:"serial"`
		IssuedAt   wireTime     `json:"issued_at"`
		NextUpdate wireTime     `json:"next_update"`
		Issuers    []wireIssuer `json:"issuers"`
		Schemas    []Schema     `json:"schemas"`
	}
	wireIssuer struct {
		ID          string    `json:"id"`
		Name        string    `json:"name"`
		Keys        []wireKey `json:"keys"`
		StatusLists *[]string `json:"status_lists"`
	}
	wireKey struct {
		JWK       json.RawMessage `json:"jwk"`
		MaxLevel  string          `json:"max_level"`
		Types     []string        `json:"types"`
		NotBefore wireTime        `json:"not_before"`
		NotAfter  *wireTime       `json:"not_after"`
		RevokedAt *wireTime       `json:"revoked_at"`
	}
)

// wireTime is a time in the bundle's profile of RFC 3339 (see
// parseBundleTime).
type wireTime struct{ time.Time }

// UnmarshalJSON reads a JSON string with parseBundleTime.
func (w *wireTime) UnmarshalJSON(data []byte) error {
	var s string
	if len(data) == 0 || data[0] != '"' || json.Unmarshal(data, &s) != nil {
		return fmt.Errorf("%w: a time is not a JSON string", ErrMalformed)
	}
	t, err := parseBundleTime(s)
	if err != nil {
		return err
	}
	w.Time = t
	return nil
}

// utc returns the time in UTC, or nil.
func (w *wireTime) utc() *time.Time {
	if w == nil {
		return nil
	}
	t := w.Time.UTC()
	return &t
}

// parseBundleTime parses the one form of RFC 3339 date-time a bundle
// uses: YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, and Z
// or an offset +HH:MM / -HH:MM (hours 00 to 23). "T" and "Z" are upper
// case; leap seconds (:60) are refused.
func parseBundleTime(s string) (time.Time, error) {
	fail := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: time %q is not of the form 2006-01-02T15:04:05Z (RFC 3339, optional fraction of up to 9 digits, Z or +hh:mm)", ErrMalformed, s)
	}
	digits := func(d string) bool {
		for i := 0; i < len(d); i++ {
			if d[i] < '0' || d[i] > '9' {
				return false
			}
		}
		return true
	}
	if len(s) < 20 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) ||
		s[10] != 'T' || !digits(s[11:13]) || s[13] != ':' || !digits(s[14:16]) || s[16] != ':' || !digits(s[17:19]) {
		return fail()
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return fail()
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && digits(rest[1:3]) && rest[3] == ':' && digits(rest[4:6]) &&
		rest[1:3] <= "23" && rest[4:6] <= "59":
	default:
		return fail()
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fail()
	}
	return t, nil
}

// UnmarshalJSON decodes a bundle document strictly, as ParseJSON
// does, but does not validate it: call Validate before use.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	var w wireBundle
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	issuers := make([]Issuer, len(w.Issuers))
	for i := range w.Issuers {
		iss, err := w.Issuers[i].issuer(fmt.Sprintf("issuer %d", i+1))
		if err != nil {
			return err
		}
		issuers[i] = iss
	}
	b.Serial = w.Serial
	b.IssuedAt = w.IssuedAt.UTC()
	b.NextUpdate = w.NextUpdate.UTC()
	b.digest = payloadDigest(data)
	b.Issuers = issuers
	b.Schemas = nil
	if len(w.Schemas) > 0 {
		b.Schemas = w.Schemas
	}
	b.index.Store(nil)
	return nil
}

// UnmarshalJSON decodes one issuer object strictly. It does not validate
// the issuer beyond its keys' JWKs and max_level names.
func (iss *Issuer) UnmarshalJSON(data []byte) error {
	var w wireIssuer
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	v, err := w.issuer("issuer")
	if err != nil {
		return err
	}
	*iss = v
	return nil
}

// UnmarshalJSON decodes one key object strictly; the jwk must pass
// ParsePublicJWK. It does not validate the authorization.
func (k *Key) UnmarshalJSON(data []byte) error {
	var w wireKey
	if err := strictDecode(data, &w); err != nil {
		return err
	}
	v, err := w.key("key")
	if err != nil {
		return err
	}
	*k = v
	return nil
}

func (w *wireIssuer) issuer(position string) (Issuer, error) {
	where := position
	if w.ID != "" {
		where = "issuer " + strconv.Quote(w.ID)
	}
	if w.StatusLists == nil {
		return Issuer{}, bundleErrorf(ErrInvalid, nil, "%s: status_lists is missing (an empty array when the issuer has none)", where)
	}
	iss := Issuer{ID: w.ID, Name: w.Name, StatusLists: *w.StatusLists}
	if len(w.Keys) > 0 {
		iss.Keys = make([]Key, len(w.Keys))
	}
	for j := range w.Keys {
		k, err := w.Keys[j].key(fmt.Sprintf("%s key %d", where, j+1))
		if err != nil {
			return Issuer{}, err
		}
		iss.Keys[j] = k
	}
	return iss, nil
}

func (w *wireKey) key(where string) (Key, error) {
	if len(w.JWK) == 0 {
		return Key{}, bundleErrorf(ErrInvalid, nil, "%s: jwk is missing", where)
	}
	if w.JWK[0] != '{' {
		return Key{}, fmt.Errorf("%w: %s: jwk is not a JSON object", ErrMalformed, where)
	}
	pub, err := keys.ParsePublicJWK(w.JWK)
	if err != nil {
		return Key{}, bundleErrorf(ErrInvalid, err, "%s: jwk: %v", where, err)
	}
	where += " (" + pub.KIDString() + ")"
	k := Key{Key: pub, Authorization: Authorization{
		Types:     w.Types,
		NotBefore: w.NotBefore.UTC(),
		NotAfter:  w.NotAfter.utc(),
		RevokedAt: w.RevokedAt.utc(),
	}}
	switch w.MaxLevel {
	case "":
		// Validate reports it as missing.
	case credential.LevelLow.String():
		k.MaxLevel = credential.LevelLow
	case credential.LevelSubstantial.String():
		k.MaxLevel = credential.LevelSubstantial
	case credential.LevelHigh.String():
		k.MaxLevel = credential.LevelHigh
	default:
		return Key{}, bundleErrorf(ErrInvalid, ErrMissingAuthorization, "%s: authorization: max_level %q (want \"low\", \"substantial\" or \"high\")", where, w.MaxLevel)
	}
	return k, nil
}

func utcPointer(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// The JSON forms the encoder writes: times in UTC, empty arrays rather
// than null.
type (
	bundleJSON struct {
		Serial     uint64    `json:"serial"`
		IssuedAt   time.Time `json:"issued_at"`
		NextUpdate time.Time `json:"next_update"`
		Issuers    []Issuer  `json:"issuers"`
		Schemas    []Schema  `json:"schemas,omitempty"`
	}
	issuerJSON struct {
		ID          string   `json:"id"`
		Name        string   `json:"name"`
		Keys        []Key    `json:"keys"`
		StatusLists []string `json:"status_lists"`
	}
	keyJSON struct {
		JWK       *keys.PublicKey  `json:"jwk"`
		MaxLevel  credential.Level `json:"max_level"`
		Types     []string         `json:"types"`
		NotBefore time.Time        `json:"not_before"`
		NotAfter  *time.Time       `json:"not_after,omitempty"`
		RevokedAt *time.Time       `json:"revoked_at,omitempty"`
	}
)

// MarshalJSON encodes the bundle document: members in the order serial,
// issued_at, next_update, issuers, schemas (left out when empty); times
// as RFC 3339 in UTC; levels by name; keys as public JWKs.
func (b *Bundle) MarshalJSON() ([]byte, error) {
	issuers := b.Issuers
	if issuers == nil {
		issuers = []Issuer{}
	}
	data, err := json.Marshal(bundleJSON{
		Serial:     b.Serial,
		IssuedAt:   b.IssuedAt.UTC(),
		NextUpdate: b.NextUpdate.UTC(),
		Issuers:    issuers,
		Schemas:    b.Schemas,
	})
	if err != nil {
		return nil, fmt.Errorf("bundle: encoding bundle: %w", err)
	}
	return data, nil
}

// MarshalJSON encodes the issuer, with status_lists an empty array rather
// than null when there are none.
func (iss Issuer) MarshalJSON() ([]byte, error) {
	lists := iss.StatusLists
	if lists == nil {
		lists = []string{}
	}
	keys := iss.Keys
	if keys == nil {
		keys = []Key{}
	}
	return json.Marshal(issuerJSON{ID: iss.ID, Name: iss.Name, Keys: keys, StatusLists: lists})
}

// MarshalJSON encodes the key: its public JWK as "jwk" beside the
// authorization members, times in UTC.
func (k Key) MarshalJSON() ([]byte, error) {
	types := k.Types
	if types == nil {
		types = []string{}
	}
	return json.Marshal(keyJSON{
		JWK:       k.Key,
		MaxLevel:  k.MaxLevel,
		Types:     types,
		NotBefore: k.NotBefore.UTC(),
		NotAfter:  utcPointer(k.NotAfter),
		RevokedAt: utcPointer(k.RevokedAt),
	})
}

// strictDecode decodes one JSON document into v with the strict JSON
// reader: no duplicate members, invalid UTF-8, lone surrogates or
// byte-order mark; member names matched case-sensitively and none unknown
// (except inside a jwk, which keys.ParsePublicJWK judges); no null; at
// most maxBundleDepth levels of nesting; nothing after the value.
func strictDecode(data []byte, v any) error {
	err := strictjson.Unmarshal(data, v, strictjson.MaxSize(MaxSize), strictjson.MaxDepth(maxBundleDepth),
		strictjson.DisallowUnknownFields(), strictjson.DisallowNull())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrMalformed), errors.Is(err, ErrInvalid):
		return err // from a member's own decoder (a time)
	}
	return bundleErrorf(ErrMalformed, err, "%v", err)
}

// bundleError carries a message and the sentinels it wraps.
type bundleError struct {
	msg  string
	errs []error
}

func (e *bundleError) Error() string   { return e.msg }
func (e *bundleError) Unwrap() []error { return e.errs }

// bundleErrorf returns an error reading "<primary>: <detail>" that wraps
// primary and, when not nil, cause.
func bundleErrorf(primary, cause error, format string, args ...any) error {
	errs := []error{primary}
	if cause != nil && !errors.Is(primary, cause) {
		errs = append(errs, cause)
	}
	return &bundleError{msg: primary.Error() + ": " + fmt.Sprintf(format, args...), errs: errs}
}

// stamp formats a time for messages: RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// printable returns s as is when it is a plain name, else quoted.
func printable(s string) string {
	if validTypeName(s) {
		return s
	}
	return strconv.Quote(s)
}

// validTime reports whether t is set and its UTC year is 1 to 9999, the
// years RFC 3339 can write.
func validTime(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 1 && y <= 9999
}

// validTypeName reports whether n is a credential type name: 1 to 32
// characters a-z, 0-9 and _, starting with a letter (as schema names).
func validTypeName(n string) bool {
	if len(n) == 0 || len(n) > 32 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 1; i < len(n); i++ {
		c := n[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// validIssuerID reports whether id is 1 to MaxIssuerIDLength characters
// a-z, 0-9, '.' and '-', starting and ending with a letter or digit.
func validIssuerID(id string) bool {
	if len(id) == 0 || len(id) > MaxIssuerIDLength {
		return false
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
	for i := 0; i < len(id); i++ {
		if c := id[i]; !alnum(c) && c != '.' && c != '-' {
			return false
		}
	}
	return alnum(id[0]) && alnum(id[len(id)-1])
}

// checkIssuerName explains what is wrong with an issuer name, or returns
// nil.
func checkIssuerName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return errors.New("is missing")
	case !utf8.ValidString(name):
		return errors.New("is not valid UTF-8")
	case n > MaxIssuerNameLength:
		return fmt.Errorf("has %d characters, at most %d", n, MaxIssuerNameLength)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return errors.New("has control characters")
		}
	}
	return nil
}

// validDigest reports whether d is "sha256:" and 64 lower-case hex digits.
func validDigest(d string) bool {
	hexDigits, ok := strings.CutPrefix(d, "sha256:")
	if !ok || len(hexDigits) != 64 {
		return false
	}
	for i := 0; i < len(hexDigits); i++ {
		if c := hexDigits[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// checkStatusListURI explains what is wrong with a status list URI, or
// returns nil: it must be an absolute http or https URI (RFC 3986 §4.3)
// of the characters RFC 3986 allows (unreserved, reserved and %HH), with a
// host in lower case, no user information and no fragment, at most
// MaxStatusListURILength bytes.
func checkStatusListURI(u string) error {
	if len(u) == 0 {
		return errors.New("is empty")
	}
	if len(u) > MaxStatusListURILength {
		return fmt.Errorf("is %d bytes long, at most %d", len(u), MaxStatusListURILength)
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0:
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
		default:
			return fmt.Errorf("has %q at byte %d, which a URI cannot have unencoded", c, i)
		}
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return errors.New("is not an absolute URI starting with https:// or http://")
	}
	p, err := url.Parse(u)
	if err != nil {
		return errors.New("does not parse as a URI")
	}
	switch {
	case strings.Contains(u, "#"):
		return errors.New("has a fragment")
	case p.User != nil:
		return errors.New("has user information")
	case p.Host == "" || p.Hostname() == "":
		return errors.New("has no host")
	case p.Host != strings.ToLower(p.Host):
		return errors.New("has upper-case letters in its host")
	}
	return nil
}
