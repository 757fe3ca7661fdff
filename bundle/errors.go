package bundle

import "errors"

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
	// ErrNotAuthorized: Authorization.Check refused a credential: its type,
	// level or iat is outside what the key may sign.
	ErrNotAuthorized = errors.New("bundle: key not authorized")
)
