package bundle

import (
	"encoding/json"
	"fmt"

	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/keys"
)

// Sign validates the bundle and signs it with root: a JWS compact
// serialization (RFC 7515) whose protected header holds exactly "alg" (the
// root's algorithm), "jwk" (its public JWK, so that a verifier that pins
// only thumbprints can check the signature), "kid" (its kid) and "typ"
// (Type), in that order, over the bundle's JSON (MarshalJSON). The root key
// must not also be an issuer key of the bundle.
func (b *Bundle) Sign(root *keys.PrivateKey) ([]byte, error) {
	if root == nil || root.Public() == nil {
		return nil, fmt.Errorf("%w: no root key to sign the bundle with", keys.ErrNotPrivateKey)
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if err := b.checkRoot(root.Public()); err != nil {
		return nil, err
	}
	payload, err := b.MarshalJSON()
	if err != nil {
		return nil, err
	}
	jwk, err := root.Public().MarshalJSON()
	if err != nil {
		return nil, err
	}
	header, err := json.Marshal(struct {
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
		KID string          `json:"kid"`
		Typ string          `json:"typ"`
	}{string(root.Algorithm()), jwk, root.Public().KIDString(), Type})
	if err != nil {
		return nil, fmt.Errorf("bundle: signing bundle: %w", err)
	}
	compact, err := signCompact(header, payload, root)
	if err != nil {
		return nil, err
	}
	if len(compact) > MaxSize {
		return nil, fmt.Errorf("%w: signed bundle of %d bytes (limit %d)", ErrTooLarge, len(compact), MaxSize)
	}
	b.digest = payloadDigest(payload)
	return compact, nil
}

// signCompact returns the JWS compact serialization of header and payload
// signed with key (internal/jws.Sign).
func signCompact(header, payload []byte, key *keys.PrivateKey) ([]byte, error) {
	out, err := jws.Sign(header, payload, key)
	if err != nil {
		return nil, fmt.Errorf("bundle: signing bundle: %w", err)
	}
	return out, nil
}
