package bundle

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Sentinel errors of the trust bundle (spec/bundle.md).
var (
	// ErrUntrusted: a bundle that is not signed by a pinned root key:
	// the root is not pinned (or nothing is), the signature does not verify,
	// or the header's alg, jwk or kid cannot identify a root key (alg
	// "none", "HS256", a private or invalid jwk, an alg or kid that does not
	// match the jwk). A verifier reports it as bundle_untrusted.
	ErrUntrusted = errors.New("bundle: not signed by a trusted root")
	// ErrMalformed: a bundle that is not a JWS compact serialization
	// of the profile (segments, header members, typ) or whose payload is
	// not the bundle's strict JSON (bad syntax, unknown or duplicate
	// members, null, wrong value types).
	ErrMalformed = errors.New("bundle: malformed")
	// ErrInvalid: a well-formed bundle that breaks a rule of
	// Bundle.Validate. ErrDuplicateKID and ErrMissingAuthorization errors
	// of a bundle wrap it too.
	ErrInvalid = errors.New("bundle: invalid")
	// ErrTooLarge: a bundle over MaxSize bytes, read or written.
	ErrTooLarge = errors.New("bundle: too large")
	// ErrMissingAuthorization: a bundle key whose authorization is missing
	// or invalid (no or an unknown max_level, no types, no not_before, a
	// not_after that is not after not_before...).
	ErrMissingAuthorization = errors.New("bundle: missing or invalid key authorization")
	// ErrSchemaMismatch: Bundle.CheckRegistry found a local schema that
	// the bundle lists under another id or name, or with another digest.
	ErrSchemaMismatch = errors.New("bundle: local schema differs from the bundle")
	// ErrNotAuthorized: Authorization.Check refused a credential: its type,
	// level or iat is outside what the key may sign.
	ErrNotAuthorized = errors.New("bundle: key not authorized")
)

// bundleError carries a message and the sentinels it wraps.
type bundleError struct {
	msg  string
	errs []error
}

func (e *bundleError) Error() string { return e.msg }

func (e *bundleError) Unwrap() []error { return e.errs }

// bundleErrorf returns an error reading "<primary>: <detail>" that wraps
// primary and, when not nil, cause.
func bundleErrorf(primary, cause error, format string, args ...any) error {
	errs := []error{primary}
	if cause != nil && !errors.Is(primary, cause) {
		errs = append(errs, cause)
	}
	return &bundleError{msg: primary.Error() + ": " + fmt.Sprintf(format, args...), errs: errs}
}

// stamp formats a time for messages: RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// printable returns s as is when it is a plain name, else quoted.
func printable(s string) string {
	if validTypeName(s) {
		return s
	}
	return strconv.Quote(s)
}
