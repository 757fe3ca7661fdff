package keys

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/netcred/netcred/internal/strictjson"
)

// MaxSetSize is the largest JWK set ParseSet parses.
const MaxSetSize = 1 << 20

// Set is a set of public keys with distinct kids, looked up by kid during
// verification. Build one with NewSet or ParseSet; Keys must not be
// modified afterwards. A Set is safe for concurrent use.
type Set struct {
	// Keys are the set's keys in their original order.
	Keys []*PublicKey

	byKID map[string]*PublicKey
}

// NewSet returns a set of keys, refusing nil keys and keys that share a
// kid (ErrDuplicateKID). An empty set is allowed.
func NewSet(keys ...*PublicKey) (*Set, error) {
	byKID := make(map[string]*PublicKey, len(keys))
	for i, k := range keys {
		if k == nil || len(k.kid) != KIDSize {
			return nil, fmt.Errorf("%w: key %d is not a valid public key", ErrInvalidKey, i)
		}
		if _, dup := byKID[string(k.kid)]; dup {
			return nil, fmt.Errorf("%w: %s", ErrDuplicateKID, k.kidString)
		}
		byKID[string(k.kid)] = k
	}
	return &Set{Keys: append([]*PublicKey(nil), keys...), byKID: byKID}, nil
}

// ParseSet parses a JWK set ({"keys":[...]}) or a single public JWK, which
// becomes a one-key set. Every key must pass ParsePublicJWK: a private key,
// a key outside the profile or a kid that does not match refuses the whole
// set, as do duplicate kids and an empty set.
func ParseSet(data []byte) (*Set, error) {
	if len(data) > MaxSetSize {
		return nil, fmt.Errorf("%w: key set of %d bytes (limit %d)", ErrTooLarge, len(data), MaxSetSize)
	}
	var members map[string]json.RawMessage
	if err := strictjson.Unmarshal(data, &members, strictjson.MaxSize(MaxSetSize)); err != nil {
		return nil, fmt.Errorf("%w: key set: %v", ErrMalformed, err)
	}
	if members == nil {
		return nil, fmt.Errorf("%w: key set is not a json object", ErrMalformed)
	}
	rawKeys, isSet := members["keys"]
	if !isSet {
		k, err := ParsePublicJWK(data)
		if err != nil {
			return nil, err
		}
		return NewSet(k)
	}
	if _, ok := members["kty"]; ok {
		return nil, fmt.Errorf("%w: object has both \"keys\" and \"kty\"", ErrMalformed)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(rawKeys, &entries); err != nil || entries == nil {
		return nil, fmt.Errorf("%w: key set \"keys\" is not an array", ErrMalformed)
	}
	if len(entries) == 0 {
		return nil, ErrEmptySet
	}
	keys := make([]*PublicKey, 0, len(entries))
	for i, entry := range entries {
		k, err := ParsePublicJWK(entry)
		if err != nil {
			return nil, fmt.Errorf("key set entry %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	return NewSet(keys...)
}

// Lookup returns the key whose kid is kid, or nil. It does not allocate.
func (s *Set) Lookup(kid []byte) *PublicKey {
	if s == nil {
		return nil
	}
	if s.byKID != nil {
		return s.byKID[string(kid)]
	}
	for _, k := range s.Keys { // a Set built without NewSet
		if k != nil && bytes.Equal(k.kid, kid) {
			return k
		}
	}
	return nil
}

// MarshalJSON encodes the set as a JWK set of public JWKs.
func (s *Set) MarshalJSON() ([]byte, error) {
	var keys []*PublicKey
	if s != nil {
		keys = s.Keys
	}
	if keys == nil {
		keys = []*PublicKey{}
	}
	return json.Marshal(struct {
		Keys []*PublicKey `json:"keys"`
	}{keys})
}
