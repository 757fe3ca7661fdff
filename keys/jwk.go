package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictjson"
)

// MaxJWKSize is the largest JWK, plain or encrypted, this package parses.
const MaxJWKSize = 64 << 10

// privateMembers are the JWK members that carry secret key material for any
// key type (RFC 7518 §6 and RFC 9964).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"}

// certificateMembers are refused: a verifier never fetches x5u, and an x5c
// chain would put untrusted X.509 parsing in front of every key.
var certificateMembers = []string{"x5c", "x5u", "x5t", "x5t#S256"}

// jwkMembers are the members of a JWK that decide whether this profile
// accepts it and which key it is, read with the strict JSON reader
// (case-sensitive member names, duplicate members refused).
type jwkMembers struct {
	kty, crv, alg, kid, use string
	hasAlg, hasKID, hasUse  bool
	keyOps                  []string
	hasPrivate              bool
	x, y, d                 []byte // decoded key members; nil when absent or ""
	raw                     map[string]json.RawMessage
}

func readMembers(data []byte) (jwkMembers, error) {
	var (
		raw map[string]json.RawMessage
		m   jwkMembers
	)
	if err := strictjson.Unmarshal(data, &raw, strictjson.MaxSize(MaxJWKSize)); err != nil {
		return m, fmt.Errorf("%w: jwk: %v", ErrMalformed, err)
	}
	if raw == nil {
		return m, fmt.Errorf("%w: jwk is not a json object", ErrMalformed)
	}
	for _, name := range certificateMembers {
		if _, ok := raw[name]; ok {
			return m, fmt.Errorf("%w: %q", ErrUnsupportedMember, name)
		}
	}
	for _, name := range privateMembers {
		if _, ok := raw[name]; ok {
			m.hasPrivate = true
		}
	}
	var err error
	var hasKty, hasCrv bool
	stringMembers := []struct {
		name    string
		value   *string
		present *bool
	}{
		{"kty", &m.kty, &hasKty},
		{"crv", &m.crv, &hasCrv},
		{"alg", &m.alg, &m.hasAlg},
		{"kid", &m.kid, &m.hasKID},
		{"use", &m.use, &m.hasUse},
	}
	for _, s := range stringMembers {
		*s.present, err = stringMember(raw, s.name, s.value)
		if err != nil {
			return m, err
		}
	}
	if !hasKty {
		return m, fmt.Errorf("%w: jwk has no \"kty\"", ErrMalformed)
	}
	if ops, ok := raw["key_ops"]; ok {
		if err := json.Unmarshal(ops, &m.keyOps); err != nil || m.keyOps == nil {
			return m, fmt.Errorf("%w: jwk \"key_ops\" is not an array of strings", ErrMalformed)
		}
	}
	m.raw = raw
	return m, nil
}

// stringMember reads member name of raw into value, requiring a JSON string
// when it is present.
func stringMember(raw map[string]json.RawMessage, name string, value *string) (present bool, err error) {
	member, ok := raw[name]
	if !ok {
		return false, nil
	}
	if len(member) == 0 || member[0] != '"' {
		return true, fmt.Errorf("%w: jwk %q is not a string", ErrMalformed, name)
	}
	if err := json.Unmarshal(member, value); err != nil {
		return true, fmt.Errorf("%w: jwk %q: %v", ErrMalformed, name, err)
	}
	return true, nil
}

// bytesMember decodes the base64url string member name of raw (RFC 7518
// §6.2.1.2). An absent member and "" are nil, as for go-jose. The
// encoding must be canonical unpadded base64url (RFC 7515 §2): no padding,
// no CR or LF (which Go's and go-jose's decoder skip) and zero unused
// bits, so that one key has one JSON form.
func bytesMember(raw map[string]json.RawMessage, name string) ([]byte, error) {
	var s string
	present, err := stringMember(raw, name, &s)
	if err != nil || !present || s == "" {
		return nil, err
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err == nil && strings.ContainsAny(s, "\r\n") {
		err = errors.New("has CR or LF")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: jwk %q is not canonical unpadded base64url: %v", ErrInvalidKey, name, err)
	}
	return b, nil
}

// algorithm checks the profile rules on a JWK's members and returns the one
// algorithm the key is bound to.
func (m jwkMembers) algorithm() (credential.Algorithm, error) {
	var keyAlg credential.Algorithm
	switch {
	case m.kty == "OKP" && m.crv == "Ed25519":
		keyAlg = credential.EdDSA
	case m.kty == "EC" && m.crv == "P-256":
		keyAlg = credential.ES256
	case m.crv == "":
		return "", fmt.Errorf("%w: kty %q (want OKP Ed25519 or EC P-256)", ErrUnsupportedKeyType, m.kty)
	default:
		return "", fmt.Errorf("%w: kty %q crv %q (want OKP Ed25519 or EC P-256)", ErrUnsupportedKeyType, m.kty, m.crv)
	}
	if !m.hasAlg {
		return "", fmt.Errorf("%w: jwk has no \"alg\" (want %q)", ErrMissingAlgorithm, keyAlg)
	}
	alg := credential.Algorithm(m.alg)
	if alg != credential.EdDSA && alg != credential.ES256 {
		return "", fmt.Errorf("%w: jwk \"alg\" %q", ErrUnsupportedAlgorithm, m.alg)
	}
	if alg != keyAlg {
		return "", fmt.Errorf("%w: jwk \"alg\" %q on kty %q crv %q", ErrAlgorithmMismatch, m.alg, m.kty, m.crv)
	}
	if m.hasUse && m.use != keyUse {
		return "", fmt.Errorf("%w: jwk \"use\" %q", ErrUnsupportedUse, m.use)
	}
	for _, op := range m.keyOps {
		if op != "sign" && op != "verify" {
			return "", fmt.Errorf("%w: jwk \"key_ops\" has %q", ErrUnsupportedUse, op)
		}
	}
	return alg, nil
}

// checkKID enforces that a JWK's "kid", when present, is the derived one.
func (m jwkMembers) checkKID(k *PublicKey) error {
	if m.hasKID && m.kid != k.kidString {
		return fmt.Errorf("%w: jwk \"kid\" %q, key's kid is %q", ErrKIDMismatch, m.kid, k.kidString)
	}
	return nil
}

// publicKey decodes the public key of the members: x for Ed25519 (32
// bytes, not a low-order point), x and y for P-256 (32 bytes each, a point
// on the curve).
func (m *jwkMembers) publicKey(alg credential.Algorithm) (*PublicKey, error) {
	var err error
	if m.x, err = bytesMember(m.raw, "x"); err != nil {
		return nil, err
	}
	if m.x == nil {
		return nil, fmt.Errorf("%w: jwk has no \"x\"", ErrInvalidKey)
	}
	if alg == credential.EdDSA {
		return NewPublicKey(ed25519.PublicKey(m.x))
	}
	if m.y, err = bytesMember(m.raw, "y"); err != nil {
		return nil, err
	}
	if m.y == nil {
		return nil, fmt.Errorf("%w: jwk has no \"y\"", ErrInvalidKey)
	}
	if len(m.x) != 32 || len(m.y) != 32 {
		return nil, fmt.Errorf("%w: P-256 coordinates of %d and %d bytes, want 32", ErrInvalidKey, len(m.x), len(m.y))
	}
	point := append(append([]byte{4}, m.x...), m.y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return newP256PublicKey(pub, point), nil
}

// decodeJWK runs the profile checks and decodes the key. With allowPrivate
// false, private members are refused before any of their content is
// decoded.
func decodeJWK(data []byte, allowPrivate bool) (jwkMembers, credential.Algorithm, *PublicKey, error) {
	if len(data) > MaxJWKSize {
		return jwkMembers{}, "", nil, fmt.Errorf("%w: jwk of %d bytes (limit %d)", ErrTooLarge, len(data), MaxJWKSize)
	}
	m, err := readMembers(data)
	if err != nil {
		return m, "", nil, err
	}
	if m.hasPrivate && !allowPrivate {
		return m, "", nil, fmt.Errorf("%w: jwk has private members where a public key is expected", ErrUnexpectedPrivateKey)
	}
	alg, err := m.algorithm()
	if err != nil {
		return m, "", nil, err
	}
	if allowPrivate {
		if m.d, err = bytesMember(m.raw, "d"); err != nil {
			return m, "", nil, err
		}
	}
	pub, err := m.publicKey(alg)
	if err != nil {
		return m, "", nil, err
	}
	if err := m.checkKID(pub); err != nil {
		return m, "", nil, err
	}
	return m, alg, pub, nil
}

// ParsePublicJWK parses one public JWK. The key must be Ed25519 with "alg"
// "EdDSA" or P-256 with "alg" "ES256"; a "kid", if present, must equal the
// derived kid; private key material is refused with ErrUnexpectedPrivateKey.
func ParsePublicJWK(data []byte) (*PublicKey, error) {
	_, _, pub, err := decodeJWK(data, false)
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// ParsePrivateJWK parses a plain private JWK under the same profile rules
// as ParsePublicJWK; its private and public halves must match. Encrypted
// key files are package keyfile's.
func ParsePrivateJWK(data []byte) (*PrivateKey, error) {
	if len(data) > MaxJWKSize {
		return nil, fmt.Errorf("%w: key of %d bytes (limit %d)", ErrTooLarge, len(data), MaxJWKSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty key", ErrMalformed)
	}
	m, alg, pub, err := decodeJWK(trimmed, true)
	if err != nil {
		return nil, err
	}
	if m.d == nil {
		return nil, fmt.Errorf("%w: jwk has no \"d\"", ErrNotPrivateKey)
	}
	defer clear(m.d)
	var priv *PrivateKey
	switch alg {
	case credential.EdDSA:
		if len(m.d) != ed25519.SeedSize {
			return nil, fmt.Errorf("%w: ed25519 \"d\" of %d bytes, want %d", ErrInvalidKey, len(m.d), ed25519.SeedSize)
		}
		priv, err = NewPrivateKey(ed25519.NewKeyFromSeed(m.d))
	case credential.ES256:
		if len(m.d) != 32 {
			return nil, fmt.Errorf("%w: P-256 \"d\" of %d bytes, want 32", ErrInvalidKey, len(m.d))
		}
		var k *ecdsa.PrivateKey
		if k, err = ecdsa.ParseRawPrivateKey(elliptic.P256(), m.d); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
		}
		priv, err = NewPrivateKey(k)
	}
	if err != nil {
		return nil, err
	}
	if priv.public.thumbprint != pub.thumbprint {
		return nil, fmt.Errorf("%w: the private key \"d\" does not match the public key \"x\"", ErrInvalidKey)
	}
	return priv, nil
}
