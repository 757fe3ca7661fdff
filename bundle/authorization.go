package bundle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/netcred/netcred/credential"
)

// Authorization says what an issuer key may sign. Every window is decided
// by the credential's iat, so that a verifier reaches the same answer
// whenever it checks a credential.
type Authorization struct {
	// MaxLevel is the highest assurance level the key may sign. Required.
	MaxLevel credential.Level `json:"max_level"`
	// Types are the credential type names (schema names) the key may sign.
	// Required: at least one, no duplicates.
	Types []string `json:"types"`
	// NotBefore: credentials with an iat before it are not authorized.
	// Required.
	NotBefore time.Time `json:"not_before"`
	// NotAfter, when set, retires the key from issuance: credentials with
	// an iat at or after it are not authorized, while those issued before
	// stay valid. It must be after NotBefore.
	NotAfter *time.Time `json:"not_after,omitempty"`
	// RevokedAt, when set, withdraws the key: credentials with an iat at or
	// after it are refused. A stolen key can backdate iat, so an operator
	// who fears that sets it to the earliest time the key may have been
	// compromised.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Check reports why a key with this authorization may not sign a credential
// of type typeName at level issued at iat, or nil if it may
// (spec/bundle.md §4, rules 1 to 5 in that order). The error wraps
// ErrNotAuthorized with the reason, such as "key may sign up to
// substantial, credential is high"; an authorization without max_level,
// types or not_before also wraps ErrMissingAuthorization. Check does not
// allocate when it returns nil.
func (a *Authorization) Check(typeName string, level credential.Level, iat time.Time) error {
	if err := a.checkInService(iat, "credential"); err != nil {
		return err
	}
	if !slices.Contains(a.Types, typeName) {
		return fmt.Errorf("%w: key may not sign type %s (may sign: %s)", ErrNotAuthorized, printable(typeName), strings.Join(a.Types, ", "))
	}
	if !level.Valid() {
		return fmt.Errorf("%w: credential level %s is not low, substantial or high", ErrNotAuthorized, level)
	}
	if level > a.MaxLevel {
		return fmt.Errorf("%w: key may sign up to %s, credential is %s", ErrNotAuthorized, a.MaxLevel, level)
	}
	return nil
}

// checkInService applies rules 1 to 3 of spec/bundle.md §4, the windows
// that credentials and status list tokens share: what names the signed
// object in messages.
func (a *Authorization) checkInService(iat time.Time, what string) error {
	if a == nil || !a.MaxLevel.Valid() || len(a.Types) == 0 || a.NotBefore.IsZero() {
		return &bundleError{
			msg:  ErrNotAuthorized.Error() + ": the key has no valid authorization",
			errs: []error{ErrNotAuthorized, ErrMissingAuthorization},
		}
	}
	if a.RevokedAt != nil && !iat.Before(*a.RevokedAt) {
		return fmt.Errorf("%w: key withdrawn at %s, %s issued %s", ErrNotAuthorized, stamp(*a.RevokedAt), what, stamp(iat))
	}
	if iat.Before(a.NotBefore) {
		return fmt.Errorf("%w: key not valid for %ss issued before %s, %s issued %s", ErrNotAuthorized, what, stamp(a.NotBefore), what, stamp(iat))
	}
	if a.NotAfter != nil && !iat.Before(*a.NotAfter) {
		return fmt.Errorf("%w: key retired from issuance at %s, %s issued %s", ErrNotAuthorized, stamp(*a.NotAfter), what, stamp(iat))
	}
	return nil
}

// CheckStatusList reports why the key may not sign the status list token
// of list uri issued at iat, or nil if it may (spec/bundle.md §4.2): the
// list must be one of the status lists of the key's issuer, listed or
// under one of its status prefixes (Issuer.HasStatusList), and the key in
// service at iat under the same rules 1 to 3 as a credential (a retired or
// withdrawn key, if stolen, must not publish "all valid" lists). The error
// wraps ErrNotAuthorized.
func (r *KeyRef) CheckStatusList(uri string, iat time.Time) error {
	if r == nil || r.Key == nil || r.Issuer == nil {
		return fmt.Errorf("%w: no key", ErrNotAuthorized)
	}
	if !r.Issuer.HasStatusList(uri) {
		return fmt.Errorf("%w: list %q is not a status list of issuer %s (neither listed nor under one of its status prefixes)", ErrNotAuthorized, uri, r.Issuer.ID)
	}
	return r.Key.checkInService(iat, "status list")
}

// validate checks the authorization's own rules; where names the key.
func (a *Authorization) validate(where string) error {
	fail := func(format string, args ...any) error {
		return bundleErrorf(ErrInvalid, ErrMissingAuthorization, where+": authorization: "+format, args...)
	}
	switch {
	case a.MaxLevel == 0:
		return fail("max_level is missing")
	case !a.MaxLevel.Valid():
		return fail("max_level %s is not low, substantial or high", a.MaxLevel)
	case len(a.Types) == 0:
		return fail("types is missing or empty")
	}
	for i, t := range a.Types {
		if !validTypeName(t) {
			return fail("type %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", t)
		}
		if slices.Contains(a.Types[:i], t) {
			return fail("type %q is listed twice", t)
		}
	}
	if a.NotBefore.IsZero() {
		return fail("not_before is missing")
	}
	if !validTime(a.NotBefore) {
		return fail("not_before %s is outside the years 0001 to 9999", a.NotBefore)
	}
	if a.NotAfter != nil {
		if !validTime(*a.NotAfter) {
			return fail("not_after %s is outside the years 0001 to 9999", *a.NotAfter)
		}
		if !a.NotAfter.After(a.NotBefore) {
			return fail("not_after %s is not after not_before %s", stamp(*a.NotAfter), stamp(a.NotBefore))
		}
	}
	if a.RevokedAt != nil && !validTime(*a.RevokedAt) {
		return fail("revoked_at %s is outside the years 0001 to 9999", *a.RevokedAt)
	}
	return nil
}
