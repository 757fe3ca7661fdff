package credential

import "errors"

// Sentinel errors. Decoding and verification errors wrap one of these with
// %w and add detail; callers test with errors.Is.
var (
	ErrUnknownLevel         = errors.New("credential: unknown assurance level")
	ErrUnknownEvidence      = errors.New("credential: unknown evidence code")
	ErrUnsupportedAlgorithm = errors.New("credential: unsupported algorithm")
)

// Errors of decoding and verification. The verifier maps each to a reason code.
var (
	// ErrMalformed: the input is not a well-formed credential of this
	// profile (truncated, not canonical CBOR, wrong structure).
	ErrMalformed = errors.New("credential: malformed")
	// ErrTooLarge: the input, or what it inflates to, exceeds a size limit.
	ErrTooLarge = errors.New("credential: too large")
	// ErrAlgorithmNotAllowed: alg missing, "none", or not EdDSA/ES256.
	ErrAlgorithmNotAllowed = errors.New("credential: algorithm not allowed")
	// ErrAlgorithmMismatch: the header's alg is not the algorithm the key is
	// bound to, or the key's type does not fit the algorithm.
	ErrAlgorithmMismatch = errors.New("credential: algorithm does not match the key")
	// ErrSignatureInvalid: the signature does not verify.
	ErrSignatureInvalid = errors.New("credential: signature invalid")
	// ErrWrongType: the typ header is not that of a credential.
	ErrWrongType = errors.New("credential: wrong typ")
	// ErrInvalidClaims: claims that must not be signed (issuer side).
	ErrInvalidClaims = errors.New("credential: invalid claims")
)
