package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"sync/atomic"
	"time"

	"github.com/netcred/netcred/keys"
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
	// MaxStatusPrefixes is the most status_prefixes an issuer may have.
	MaxStatusPrefixes = 16
	// MaxSchemaNumber is the largest schema id and schema version.
	MaxSchemaNumber = 65535
)

// maxBundleDepth is the deepest nesting of JSON arrays and objects a bundle
// payload may have; a valid one needs 7 (bundle, issuers, issuer, keys,
// key, jwk, key_ops).
const maxBundleDepth = 16

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
	// StatusPrefixes authorize every status list whose URI is the prefix
	// followed by a plain path (spec/bundle.md §3.3.1), so that the root
	// need not sign a new bundle for each new list: at most
	// MaxStatusPrefixes https URIs ending in "/", none a prefix of another
	// prefix or of another issuer's status list in the whole bundle.
	StatusPrefixes []string `json:"status_prefixes,omitempty"`
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
	// prefixes are the status prefixes of every issuer, sorted.
	prefixes []prefixRef
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

// IssuerOfStatusList returns the issuer whose status list uri is: the
// issuer that lists it in status_lists or, failing that, the one with a
// status prefix that authorizes it (Issuer.HasStatusList). URIs are
// compared byte for byte. It does not allocate.
func (b *Bundle) IssuerOfStatusList(uri string) (*Issuer, bool) {
	if b == nil {
		return nil, false
	}
	idx := b.lookupIndex()
	if i, ok := idx.lists[uri]; ok {
		return &b.Issuers[i], true
	}
	// A validated bundle has no prefix of another prefix, so at most the
	// greatest prefix not after uri can authorize it.
	if p, ok := prefixBefore(idx.prefixes, uri); ok {
		if underPrefix(uri, p.prefix) {
			return &b.Issuers[p.issuer], true
		}
	}
	return nil, false
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
	idx.prefixes = sortedPrefixes(b)
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
