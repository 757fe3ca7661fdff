package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"

	"github.com/go-jose/go-jose/v4"

	"github.com/netcred/netcred/credential"
)

// KIDSize is the length in bytes of a key identifier: the first KIDSize
// bytes of the key's RFC 7638 SHA-256 thumbprint.
const KIDSize = 8

// keyUse is the JWK "use" of every key this package writes.
const keyUse = "sig"

// PrivateKey is an issuer or root signing key bound to one algorithm.
// Create one with Generate, NewPrivateKey, ParsePrivateJWK or
// ReadPrivateFile; the zero value is not usable.
type PrivateKey struct {
	jwk    jose.JSONWebKey // Key is ed25519.PrivateKey or *ecdsa.PrivateKey
	public *PublicKey
}

// PublicKey is a verification key bound to one algorithm, with its kid and
// thumbprint computed once. Create one with NewPublicKey, ParsePublicJWK,
// ParseSet or PrivateKey.Public; the zero value is not usable. A PublicKey
// is immutable and safe for concurrent use.
type PublicKey struct {
	jwk        jose.JSONWebKey // Key is ed25519.PublicKey or *ecdsa.PublicKey
	alg        credential.Algorithm
	kid        []byte
	kidString  string
	thumbprint string
}

// Generate creates a new key for alg from crypto/rand: Ed25519 for
// credential.EdDSA (also the default when alg is empty) or ECDSA P-256 for
// credential.ES256.
func Generate(alg credential.Algorithm) (*PrivateKey, error) {
	switch alg {
	case "", credential.EdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generating ed25519 key: %w", err)
		}
		return NewPrivateKey(priv)
	case credential.ES256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("keys: generating p-256 key: %w", err)
		}
		return NewPrivateKey(priv)
	}
	return nil, fmt.Errorf("%w: %q (want %s or %s)", ErrUnsupportedAlgorithm, string(alg), credential.EdDSA, credential.ES256)
}

// NewPrivateKey wraps an existing ed25519.PrivateKey (bound to EdDSA) or a
// P-256 *ecdsa.PrivateKey (bound to ES256), for example one derived from a
// fixed seed for test vectors. It checks that the private and public halves
// match.
func NewPrivateKey(signer crypto.Signer) (*PrivateKey, error) {
	var key crypto.Signer
	switch k := signer.(type) {
	case ed25519.PrivateKey:
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("%w: ed25519 private key of %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PrivateKeySize)
		}
		canonical := ed25519.NewKeyFromSeed(k.Seed())
		if !bytes.Equal(canonical[ed25519.SeedSize:], k[ed25519.SeedSize:]) {
			return nil, fmt.Errorf("%w: ed25519 public half does not match the seed", ErrInvalidKey)
		}
		key = canonical
	case *ecdsa.PrivateKey:
		canonical, err := canonicalP256PrivateKey(k)
		if err != nil {
			return nil, err
		}
		key = canonical
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, signer)
	}
	public, err := NewPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	return &PrivateKey{
		jwk: jose.JSONWebKey{
			Key:       key,
			KeyID:     public.kidString,
			Algorithm: string(public.alg),
			Use:       keyUse,
		},
		public: public,
	}, nil
}

// canonicalP256PrivateKey re-derives k from its scalar and refuses it unless
// the curve is P-256, the scalar is in range and the public point is the
// one the scalar yields.
func canonicalP256PrivateKey(k *ecdsa.PrivateKey) (*ecdsa.PrivateKey, error) {
	if k == nil || k.D == nil || k.X == nil || k.Y == nil {
		return nil, fmt.Errorf("%w: incomplete ecdsa private key", ErrInvalidKey)
	}
	if k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: ecdsa curve %s (want P-256)", ErrUnsupportedKeyType, curveName(k.Curve))
	}
	scalar, err := k.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	canonical, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	if !canonical.PublicKey.Equal(&k.PublicKey) {
		return nil, fmt.Errorf("%w: ecdsa public point does not match the private scalar", ErrInvalidKey)
	}
	return canonical, nil
}

// NewPublicKey wraps an ed25519.PublicKey (bound to EdDSA) or a P-256
// *ecdsa.PublicKey (bound to ES256), validating the point.
func NewPublicKey(pub crypto.PublicKey) (*PublicKey, error) {
	var (
		key crypto.PublicKey
		alg credential.Algorithm
	)
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 public key of %d bytes, want %d", ErrInvalidKey, len(k), ed25519.PublicKeySize)
		}
		key, alg = ed25519.PublicKey(bytes.Clone(k)), credential.EdDSA
	case *ecdsa.PublicKey:
		canonical, err := canonicalP256PublicKey(k)
		if err != nil {
			return nil, err
		}
		key, alg = canonical, credential.ES256
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, pub)
	}
	jwk := jose.JSONWebKey{Key: key, Algorithm: string(alg), Use: keyUse}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		// go-jose refuses low-order Ed25519 points here.
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	kid := sum[:KIDSize:KIDSize]
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(kid)
	return &PublicKey{
		jwk:        jwk,
		alg:        alg,
		kid:        kid,
		kidString:  jwk.KeyID,
		thumbprint: base64.RawURLEncoding.EncodeToString(sum),
	}, nil
}

// canonicalP256PublicKey refuses anything but a valid point on P-256 (not
// the point at infinity) and returns a fresh copy of it.
func canonicalP256PublicKey(k *ecdsa.PublicKey) (*ecdsa.PublicKey, error) {
	if k == nil || k.X == nil || k.Y == nil {
		return nil, fmt.Errorf("%w: incomplete ecdsa public key", ErrInvalidKey)
	}
	if k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: ecdsa curve %s (want P-256)", ErrUnsupportedKeyType, curveName(k.Curve))
	}
	point, err := k.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	canonical, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return canonical, nil
}

func curveName(c elliptic.Curve) string {
	if c == nil || c.Params() == nil {
		return "unknown"
	}
	return c.Params().Name
}

// DeriveKID returns the kid of pub: the first KIDSize bytes of its RFC 7638
// SHA-256 JWK thumbprint. pub must be an ed25519.PublicKey or a P-256
// *ecdsa.PublicKey.
func DeriveKID(pub crypto.PublicKey) ([]byte, error) {
	k, err := NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return k.KID(), nil
}

// Algorithm returns the one algorithm this key signs with.
func (k *PrivateKey) Algorithm() credential.Algorithm { return k.public.alg }

// KID returns a copy of the key's KIDSize-byte identifier.
func (k *PrivateKey) KID() []byte { return k.public.KID() }

// Signer returns the key as a crypto.Signer: an ed25519.PrivateKey for
// EdDSA or an *ecdsa.PrivateKey for ES256. Callers must not modify it.
func (k *PrivateKey) Signer() crypto.Signer { return k.jwk.Key.(crypto.Signer) }

// Public returns the public half of the key.
func (k *PrivateKey) Public() *PublicKey { return k.public }

// MarshalJSON encodes the key as a private JWK: kty, crv, x (and y), d,
// kid, alg and use "sig". The result is secret.
func (k *PrivateKey) MarshalJSON() ([]byte, error) {
	data, err := k.jwk.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("keys: encoding private jwk: %w", err)
	}
	return data, nil
}

// Algorithm returns the one algorithm this key verifies.
func (k *PublicKey) Algorithm() credential.Algorithm { return k.alg }

// KID returns a copy of the key's KIDSize-byte identifier.
func (k *PublicKey) KID() []byte { return bytes.Clone(k.kid) }

// KIDString returns the kid in base64url without padding, as in the JWK
// "kid" member.
func (k *PublicKey) KIDString() string { return k.kidString }

// Key returns the key as an ed25519.PublicKey (EdDSA) or an
// *ecdsa.PublicKey (ES256). Callers must not modify it.
func (k *PublicKey) Key() crypto.PublicKey { return k.jwk.Key }

// Thumbprint returns the key's RFC 7638 SHA-256 JWK thumbprint in
// base64url without padding: the value a trust store pins.
func (k *PublicKey) Thumbprint() string { return k.thumbprint }

// JWK returns the key as a go-jose JSON Web Key with kid, alg and use set.
// Its Key is shared with k and must not be modified.
func (k *PublicKey) JWK() jose.JSONWebKey { return k.jwk }

// MarshalJSON encodes the key as a public JWK: kty, crv, x (and y), kid,
// alg and use "sig".
func (k *PublicKey) MarshalJSON() ([]byte, error) {
	data, err := k.jwk.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("keys: encoding public jwk: %w", err)
	}
	return data, nil
}

// String describes the key without its secret, for example
// "EdDSA private key kPrK_qmxVWY", so that printing or logging a
// PrivateKey does not leak it.
func (k *PrivateKey) String() string {
	return string(k.public.alg) + " private key " + k.public.kidString
}

// GoString is String, so that %#v does not print the key material either.
func (k *PrivateKey) GoString() string { return k.String() }

// LogValue makes log/slog record String instead of the key.
func (k *PrivateKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// String describes the key, for example "EdDSA public key kPrK_qmxVWY".
func (k *PublicKey) String() string {
	return string(k.alg) + " public key " + k.kidString
}
