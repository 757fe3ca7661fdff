package evidence

import (
	"errors"
	"fmt"
)

// Code is a stable reason code for a refused evidence item or a refused
// level (spec/evidence.md §6). The service returns it to the client.
type Code string

// Reason codes. Each has a sentinel error of the same meaning below.
const (
	// CodeInsufficient: the evidence earns a lower level than the one asked for.
	CodeInsufficient Code = "evidence_insufficient"
	// CodeMalformed: an evidence object, or the list, is not what the spec
	// allows (syntax, unknown members, missing fields, wrong types, sizes,
	// an unknown method).
	CodeMalformed Code = "evidence_malformed"
	// CodeNotAccepted: the policy accepts no evidence of this method.
	CodeNotAccepted Code = "evidence_method_not_accepted"
	// CodeScoreTooLow: a face match score below the policy's threshold.
	CodeScoreTooLow Code = "face_match_score_too_low"
	// CodeNoLiveness: a face match without a passed liveness check.
	CodeNoLiveness Code = "face_match_liveness_failed"
	// CodeAttestationInvalid: the attestation is not a JWS of the profile,
	// its header or claims are malformed, it names another terminal, or
	// its signature does not verify with the terminal's key.
	CodeAttestationInvalid Code = "attestation_invalid"
	// CodeAttestationStale: the attestation is older than the policy's
	// maximum age, or past its own exp.
	CodeAttestationStale Code = "attestation_stale"
	// CodeAttestationFuture: the attestation's iat is in the future, beyond
	// the allowed clock skew.
	CodeAttestationFuture Code = "attestation_future_dated"
	// CodeAttestationReplayed: the attestation was used before.
	CodeAttestationReplayed Code = "attestation_replayed"
	// CodeTerminalUnknown: no terminal of that name is registered.
	CodeTerminalUnknown Code = "terminal_unknown"
	// CodeDigestMismatch: the attestation covers other claims than this
	// request's.
	CodeDigestMismatch Code = "claims_digest_mismatch"
)

// Sentinel errors, one per Code; every *Error wraps one. Test with errors.Is.
var (
	ErrInsufficient        = errors.New("evidence: evidence insufficient for the level")
	ErrMalformed           = errors.New("evidence: malformed evidence")
	ErrNotAccepted         = errors.New("evidence: method not accepted by the policy")
	ErrScoreTooLow         = errors.New("evidence: face match score below the threshold")
	ErrNoLiveness          = errors.New("evidence: face match without liveness")
	ErrAttestationInvalid  = errors.New("evidence: attestation invalid")
	ErrAttestationStale    = errors.New("evidence: attestation stale")
	ErrAttestationFuture   = errors.New("evidence: attestation future-dated")
	ErrAttestationReplayed = errors.New("evidence: attestation replayed")
	ErrTerminalUnknown     = errors.New("evidence: terminal unknown")
	ErrDigestMismatch      = errors.New("evidence: claims digest mismatch")
	ErrPolicy              = errors.New("evidence: invalid policy")
	ErrClaims              = errors.New("evidence: claims cannot be digested")
)

// sentinels maps each code to its sentinel.
var sentinels = map[Code]error{
	CodeInsufficient:        ErrInsufficient,
	CodeMalformed:           ErrMalformed,
	CodeNotAccepted:         ErrNotAccepted,
	CodeScoreTooLow:         ErrScoreTooLow,
	CodeNoLiveness:          ErrNoLiveness,
	CodeAttestationInvalid:  ErrAttestationInvalid,
	CodeAttestationStale:    ErrAttestationStale,
	CodeAttestationFuture:   ErrAttestationFuture,
	CodeAttestationReplayed: ErrAttestationReplayed,
	CodeTerminalUnknown:     ErrTerminalUnknown,
	CodeDigestMismatch:      ErrDigestMismatch,
}

// Codes returns every reason code, in the order of spec/evidence.md §6.
func Codes() []Code {
	return []Code{CodeInsufficient, CodeMalformed, CodeNotAccepted, CodeScoreTooLow, CodeNoLiveness,
		CodeAttestationInvalid, CodeAttestationStale, CodeAttestationFuture, CodeAttestationReplayed,
		CodeTerminalUnknown, CodeDigestMismatch}
}

// Error is a refused evidence item, or a refused level: the reason Code,
// the item's index in the evidence list (-1 for the list as a whole) and
// what exactly was wrong. It wraps the code's sentinel.
type Error struct {
	Code   Code
	Index  int
	Detail string
	// cause is an underlying error (a strictjson error, say), or nil.
	cause error
}

// Error implements error. It reads, for example,
//
//	evidence: attestation stale: evidence[1]: issued 7m0s ago, the policy allows 5m0s
func (e *Error) Error() string {
	s := sentinels[e.Code].Error()
	if e.Index >= 0 {
		s += fmt.Sprintf(": evidence[%d]", e.Index)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the code's sentinel and the underlying error, if any.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{sentinels[e.Code], e.cause}
	}
	return []error{sentinels[e.Code]}
}

// refusef returns an *Error for item index.
func refusef(code Code, index int, format string, args ...any) *Error {
	return &Error{Code: code, Index: index, Detail: fmt.Sprintf(format, args...)}
}
