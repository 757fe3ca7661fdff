package keys

import (
	"fmt"

	"github.com/netcred/netcred/credential"
)

// MarshalCOSEKey encodes the key as a COSE_Key (RFC 9052 §7) in the one
// form spec/credential.md §4.6 allows: kty, alg, crv and x, and for P-256
// the sign of y (a compressed point, 33 bytes of key instead of 64). This
// is the form a credential's cnf claim carries the holder key in.
func (k *PublicKey) MarshalCOSEKey() ([]byte, error) {
	b, err := credential.MarshalCOSEKey(k.key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return b, nil
}

// ParseCOSEKey parses a COSE_Key of the profile (spec/credential.md §4.6):
// Ed25519 as an OKP key with alg EdDSA, P-256 as an EC2 key with alg ES256
// and a compressed point. kty, crv and alg must agree; the point must be on
// the curve (Ed25519: canonical and not of small order); members other than
// kty, alg, crv, x and y, private key material among them, are refused.
// Errors wrap ErrInvalidKey and credential.ErrCOSEKey.
func ParseCOSEKey(b []byte) (*PublicKey, error) {
	_, pub, err := credential.ParseCOSEKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return NewPublicKey(pub)
}
