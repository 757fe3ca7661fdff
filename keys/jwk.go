package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"fmt"

	"github.com/go-jose/go-jose/v4"
	josejson "github.com/go-jose/go-jose/v4/json"

	"github.com/netcred/netcred/credential"
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
// accepts it, read with go-jose's own JSON decoder (case-sensitive member
// names, duplicate members refused) so that this check and go-jose read the
// same object.
type jwkMembers struct {
	kty, crv, alg, kid, use string
	hasAlg, hasKID, hasUse  bool
	keyOps                  []string
	hasPrivate              bool
}

func readMembers(data []byte) (jwkMembers, error) {
	var (
		raw map[string]josejson.RawMessage
		m   jwkMembers
	)
	if err := josejson.Unmarshal(data, &raw); err != nil {
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
		if err := josejson.Unmarshal(ops, &m.keyOps); err != nil || m.keyOps == nil {
			return m, fmt.Errorf("%w: jwk \"key_ops\" is not an array of strings", ErrMalformed)
		}
	}
	return m, nil
}

// stringMember reads member name of raw into value, requiring a JSON string
// when it is present.
func stringMember(raw map[string]josejson.RawMessage, name string, value *string) (present bool, err error) {
	member, ok := raw[name]
	if !ok {
		return false, nil
	}
	if len(member) == 0 || member[0] != '"' {
		return true, fmt.Errorf("%w: jwk %q is not a string", ErrMalformed, name)
	}
	if err := josejson.Unmarshal(member, value); err != nil {
		return true, fmt.Errorf("%w: jwk %q: %v", ErrMalformed, name, err)
	}
	return true, nil
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

// decodeJWK runs the profile checks and then go-jose's decoder, which checks
// lengths, that EC points are on the curve and that Ed25519 points are not
// of low order. With allowPrivate false, private members are refused before
// any of their content is decoded.
func decodeJWK(data []byte, allowPrivate bool) (jwkMembers, credential.Algorithm, any, error) {
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
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(data); err != nil {
		return m, "", nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	return m, alg, jwk.Key, nil
}

// ParsePublicJWK parses one public JWK. The key must be Ed25519 with "alg"
// "EdDSA" or P-256 with "alg" "ES256"; a "kid", if present, must equal the
// derived kid; private key material is refused with ErrUnexpectedPrivateKey.
func ParsePublicJWK(data []byte) (*PublicKey, error) {
	m, alg, key, err := decodeJWK(data, false)
	if err != nil {
		return nil, err
	}
	switch key.(type) {
	case ed25519.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("%w: jwk decoded to %T", ErrUnexpectedPrivateKey, key)
	}
	pub, err := NewPublicKey(key)
	if err != nil {
		return nil, err
	}
	if pub.alg != alg {
		return nil, fmt.Errorf("%w: jwk \"alg\" %q on a %s key", ErrAlgorithmMismatch, alg, pub.alg)
	}
	if err := m.checkKID(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// ParsePrivateJWK parses a private JWK, either plain JSON or, when it is
// not a JSON object, a JWE compact serialization encrypted with a
// passphrase as written by WritePrivateFile. The same profile rules as
// ParsePublicJWK apply, and the private and public halves must match.
//
// An encrypted key without a passphrase gives ErrPassphraseRequired; a
// wrong passphrase gives ErrWrongPassphrase. A plain JWK is accepted even
// when a passphrase is given.
func ParsePrivateJWK(data []byte, passphrase []byte) (*PrivateKey, error) {
	if len(data) > MaxJWKSize {
		return nil, fmt.Errorf("%w: key of %d bytes (limit %d)", ErrTooLarge, len(data), MaxJWKSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty key", ErrMalformed)
	}
	if trimmed[0] == '{' {
		return parsePlainPrivateJWK(trimmed)
	}
	plaintext, err := decryptJWK(trimmed, passphrase)
	if err != nil {
		return nil, err
	}
	defer clear(plaintext)
	return parsePlainPrivateJWK(plaintext)
}

func parsePlainPrivateJWK(data []byte) (*PrivateKey, error) {
	m, alg, key, err := decodeJWK(data, true)
	if err != nil {
		return nil, err
	}
	var priv *PrivateKey
	switch k := key.(type) {
	case ed25519.PrivateKey:
		priv, err = NewPrivateKey(k)
	case *ecdsa.PrivateKey:
		priv, err = NewPrivateKey(k)
	case ed25519.PublicKey, *ecdsa.PublicKey:
		return nil, fmt.Errorf("%w: jwk has no \"d\"", ErrNotPrivateKey)
	default:
		return nil, fmt.Errorf("%w: jwk decoded to %T", ErrUnsupportedKeyType, key)
	}
	if err != nil {
		return nil, err
	}
	if priv.public.alg != alg {
		return nil, fmt.Errorf("%w: jwk \"alg\" %q on a %s key", ErrAlgorithmMismatch, alg, priv.public.alg)
	}
	if err := m.checkKID(priv.public); err != nil {
		return nil, err
	}
	return priv, nil
}
