package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"

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
	signer crypto.Signer // ed25519.PrivateKey or *ecdsa.PrivateKey
	public *PublicKey
}

// PublicKey is a verification key bound to one algorithm, with its kid and
// thumbprint computed once. Create one with NewPublicKey, ParsePublicJWK,
// ParseSet or PrivateKey.Public; the zero value is not usable. A PublicKey
// is immutable and safe for concurrent use.
type PublicKey struct {
	key        crypto.PublicKey // ed25519.PublicKey or *ecdsa.PublicKey
	x, y       []byte           // the JWK coordinates: x alone for Ed25519
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
	return &PrivateKey{signer: key, public: public}, nil
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
	k := &PublicKey{}
	switch pub := pub.(type) {
	case ed25519.PublicKey:
		if len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: ed25519 public key of %d bytes, want %d", ErrInvalidKey, len(pub), ed25519.PublicKeySize)
		}
		if lowOrderEd25519(pub) {
			return nil, fmt.Errorf("%w: ed25519 public key is a low-order point", ErrInvalidKey)
		}
		c := ed25519.PublicKey(bytes.Clone(pub))
		k.key, k.x, k.alg = c, c, credential.EdDSA
	case *ecdsa.PublicKey:
		canonical, err := canonicalP256PublicKey(pub)
		if err != nil {
			return nil, err
		}
		point, _ := canonical.Bytes() // 0x04 || x || y, checked above
		return newP256PublicKey(canonical, point), nil
	default:
		return nil, fmt.Errorf("%w: %T", ErrUnsupportedKeyType, pub)
	}
	k.derive()
	return k, nil
}

// newP256PublicKey wraps a point that ecdsa.ParseUncompressedPublicKey
// returned for its uncompressed encoding point.
func newP256PublicKey(pub *ecdsa.PublicKey, point []byte) *PublicKey {
	k := &PublicKey{key: pub, x: point[1:33:33], y: point[33:65:65], alg: credential.ES256}
	k.derive()
	return k
}

// derive computes the kid and thumbprint.
func (k *PublicKey) derive() {
	sum := sha256.Sum256(k.thumbprintInput())
	k.kid = bytes.Clone(sum[:KIDSize])
	k.kidString = base64.RawURLEncoding.EncodeToString(k.kid)
	k.thumbprint = base64.RawURLEncoding.EncodeToString(sum[:])
}

// thumbprintInput is the RFC 7638 §3.2 JSON of the key's required members,
// in lexicographic order and without whitespace (RFC 8037 §2 for OKP).
func (k *PublicKey) thumbprintInput() []byte {
	b64 := base64.RawURLEncoding.EncodeToString
	if k.alg == credential.EdDSA {
		return []byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64(k.x) + `"}`)
	}
	return []byte(`{"crv":"P-256","kty":"EC","x":"` + b64(k.x) + `","y":"` + b64(k.y) + `"}`)
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
func (k *PrivateKey) Signer() crypto.Signer { return k.signer }

// Public returns the public half of the key.
func (k *PrivateKey) Public() *PublicKey { return k.public }

// MarshalJSON encodes the key as a private JWK: use "sig", kty, kid, crv,
// alg, x (and y) and d, in that order. The result is secret.
func (k *PrivateKey) MarshalJSON() ([]byte, error) {
	var d []byte
	switch s := k.signer.(type) {
	case ed25519.PrivateKey:
		d = s.Seed()
	case *ecdsa.PrivateKey:
		var err error
		if d, err = s.Bytes(); err != nil {
			return nil, fmt.Errorf("keys: encoding private jwk: %w", err)
		}
	}
	defer clear(d)
	return k.public.appendJWK(nil, d), nil
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
func (k *PublicKey) Key() crypto.PublicKey { return k.key }

// Thumbprint returns the key's RFC 7638 SHA-256 JWK thumbprint in
// base64url without padding: the value a trust store pins.
func (k *PublicKey) Thumbprint() string { return k.thumbprint }

// MarshalJSON encodes the key as a public JWK: use "sig", kty, kid, crv,
// alg and x (and y), in that order.
func (k *PublicKey) MarshalJSON() ([]byte, error) { return k.appendJWK(nil, nil), nil }

// appendJWK appends the key's JWK to b, with d when it is not nil. The
// member order is the one go-jose writes, so that bundles and key files
// keep their bytes.
func (k *PublicKey) appendJWK(b, d []byte) []byte {
	b64 := base64.RawURLEncoding.EncodeToString
	kty, crv := "OKP", "Ed25519"
	if k.alg == credential.ES256 {
		kty, crv = "EC", "P-256"
	}
	b = append(b, `{"use":"`+keyUse+`","kty":"`+kty+`","kid":"`+k.kidString+`","crv":"`+crv+`","alg":"`+string(k.alg)+`","x":"`+b64(k.x)+`"`...)
	if k.y != nil {
		b = append(b, `,"y":"`+b64(k.y)+`"`...)
	}
	if d != nil {
		b = append(b, `,"d":"`...)
		b = base64.RawURLEncoding.AppendEncode(b, d)
		b = append(b, '"')
	}
	return append(b, '}')
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

// lowOrderEd25519 reports whether pub is one of the encodings of the
// Ed25519 points of small order, canonical or not, which crypto/ed25519
// accepts and no JOSE verification key may be (the list go-jose refuses).
func lowOrderEd25519(pub ed25519.PublicKey) bool {
	for _, w := range lowOrderPoints {
		if bytes.Equal(pub, w[:]) {
			return true
		}
	}
	return false
}

// lowOrderPoints are the 14 encodings of points of order 1, 2, 4 and 8,
// with the sign bit clear and set.
var lowOrderPoints = func() [][32]byte {
	bases := [][32]byte{
		{0x00}, // y = 0 (order 4)
		{0x01}, // y = 1 (the identity)
		{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}, // order 8
		{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}, // order 8
		ff(0xec), // y = p-1 (order 2)
		ff(0xed), // y = p, non-canonical 0
		ff(0xee), // y = p+1, non-canonical 1
	}
	var out [][32]byte
	for _, b := range bases {
		b[31] &^= 0x80
		out = append(out, b)
		b[31] |= 0x80
		out = append(out, b)
	}
	return out
}()

// ff returns 32 bytes: first, then 0xff, with the last byte's sign bit
// clear (little-endian p-1, p and p+1 for first 0xec, 0xed, 0xee).
func ff(first byte) [32]byte {
	var b [32]byte
	for i := range b {
		b[i] = 0xff
	}
	b[0], b[31] = first, 0x7f
	return b
}
