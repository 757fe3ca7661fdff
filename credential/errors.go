package credential

import (
	"errors"
	"fmt"

	"github.com/netcred/netcred/internal/strictcbor"
)

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

// Reasons: stable sub-codes of a malformed credential (spec/credential.md
// §11), beside those of CBOR itself (the strictcbor.Reason* values, e.g.
// "cbor_key_order"). A conformance vector names the one it expects.
const (
	// ReasonQRPrefix: the QR text does not start with "NC1:".
	ReasonQRPrefix = "qr_prefix"
	// ReasonBase45: the text after the prefix is not strict base45, or is
	// empty.
	ReasonBase45 = "base45"
	// ReasonDeflate: a compressed body that is not one DEFLATE stream
	// ending at the end of the body, or that does not inflate to a
	// COSE_Sign1.
	ReasonDeflate = "deflate"
	// ReasonCOSEStructure: not a tagged array of four items of the right
	// types (protected bstr, unprotected map, payload bstr, signature
	// bstr), or a detached payload.
	ReasonCOSEStructure = "cose_structure"
	// ReasonCOSEUnprotected: an unprotected header other than the empty map.
	ReasonCOSEUnprotected = "cose_unprotected"
	// ReasonCOSEHeader: a protected header that is not a map, has a label
	// other than 1, 4 and 16 (crit included), or a missing or bad kid.
	ReasonCOSEHeader = "cose_header"
	// ReasonClaims: a claims set of the wrong shape: not a map, a key of
	// another kind than integer or text, a claim of the wrong type, the
	// netcred claim missing or not five items, an undefined level or
	// evidence value, attributes that are not a map with integer keys.
	ReasonClaims = "claims_structure"
	// ReasonClaimsDate: a NumericDate out of range (credential.md §4.1)
	// or out of order (nbf before iat, exp not after iat and nbf).
	ReasonClaimsDate = "claims_date"
	// ReasonClaimsStatus: a status claim that breaks §4.3.
	ReasonClaimsStatus = "claims_status"
	// ReasonClaimsCnf: a cnf claim that is a map but not {1: COSE_Key}
	// with a key of the profile (credential.md §4.6).
	ReasonClaimsCnf = "claims_cnf"
)

// reasonError is an ErrMalformed with its Reason.
type reasonError struct {
	reason string
	err    error
}

func (e *reasonError) Error() string { return e.err.Error() }
func (e *reasonError) Unwrap() error { return e.err }

// malformed returns an ErrMalformed with a reason and a message.
func malformed(reason, format string, args ...any) error {
	return &reasonError{reason: reason, err: fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))}
}

// Reason returns the stable sub-code of a decoding error (one of the
// Reason* constants here or in CBOR's strict profile), or "" when err
// carries none.
func Reason(err error) string {
	var re *reasonError
	if errors.As(err, &re) {
		return re.reason
	}
	return strictcbor.Reason(err)
}
