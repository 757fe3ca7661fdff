package keys

import "errors"

// Sentinel errors. Functions in this package wrap one of these with %w and
// add detail; callers test with errors.Is.
var (
	// ErrUnsupportedAlgorithm: an algorithm outside the profile's allow-list
	// (EdDSA, ES256), such as "none", "HS256" or "RS256".
	ErrUnsupportedAlgorithm = errors.New("keys: unsupported algorithm")
	// ErrMissingAlgorithm: a JWK without an "alg" member. Every key is bound
	// to exactly one algorithm, so "alg" is required.
	ErrMissingAlgorithm = errors.New("keys: missing algorithm")
	// ErrAlgorithmMismatch: a JWK whose "alg" does not fit its key type,
	// such as "ES256" on an Ed25519 key.
	ErrAlgorithmMismatch = errors.New("keys: algorithm does not match key type")
	// ErrUnsupportedKeyType: a key type or curve outside the profile (RSA,
	// P-384, X25519, symmetric keys...).
	ErrUnsupportedKeyType = errors.New("keys: unsupported key type")
	// ErrInvalidKey: key material that does not decode to a valid key (bad
	// length, point not on the curve, low-order point, private and public
	// halves that do not match).
	ErrInvalidKey = errors.New("keys: invalid key")
	// ErrKIDMismatch: a JWK whose "kid" is not the kid derived from the key
	// itself (see DeriveKID).
	ErrKIDMismatch = errors.New("keys: kid does not match key")
	// ErrUnexpectedPrivateKey: private key material where only a public key
	// is allowed (a public JWK, a key set).
	ErrUnexpectedPrivateKey = errors.New("keys: unexpected private key material")
	// ErrNotPrivateKey: a public key where a private key is required.
	ErrNotPrivateKey = errors.New("keys: not a private key")
	// ErrUnsupportedMember: a JWK member this profile refuses (the x5c, x5u,
	// x5t and x5t#S256 certificate members).
	ErrUnsupportedMember = errors.New("keys: unsupported jwk member")
	// ErrUnsupportedUse: a "use" other than "sig", or a "key_ops" entry other
	// than "sign" or "verify".
	ErrUnsupportedUse = errors.New("keys: key use is not signing")
	// ErrMalformed: input that is not well-formed JSON, JWK, JWK set or
	// (package keyfile) JWE, including duplicate JSON members.
	ErrMalformed = errors.New("keys: malformed input")
	// ErrTooLarge: input over MaxJWKSize or MaxSetSize (or, in package
	// keyfile, keyfile.MaxPassphraseSize).
	ErrTooLarge = errors.New("keys: input too large")
	// ErrDuplicateKID: two keys of a set share a kid.
	ErrDuplicateKID = errors.New("keys: duplicate kid in key set")
	// ErrEmptySet: a parsed key set with no keys.
	ErrEmptySet = errors.New("keys: empty key set")
)
