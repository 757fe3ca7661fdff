package verifier

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/netcred/netcred/bundle"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/presentation"
	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/status"
)

// Defaults of the policy.
const (
	// DefaultClockSkew is how far the verifier's clock may disagree with the
	// issuer's before a credential counts as not yet valid or expired.
	DefaultClockSkew = 5 * time.Minute
	// DefaultMaxStatusAge is how old (since its iat) a status list may be
	// before a result that depends on it is undetermined.
	DefaultMaxStatusAge = 24 * time.Hour
	// DefaultMaxPresentationAge is how old a presentation may be: twice
	// the 30 seconds a wallet shows each one.
	DefaultMaxPresentationAge = 60 * time.Second
	// DefaultPresentationSkew is the tolerance on a presentation's iat.
	DefaultPresentationSkew = 5 * time.Second
)

// KeyResolver finds the trusted key a kid names, or nil. keys.Set is one:
// a plain key set for quick local checks, with no authorizations.
type KeyResolver interface {
	Lookup(kid []byte) *keys.PublicKey
}

// Policy is what a relying party requires beyond a genuine credential.
type Policy struct {
	// MinLevel is the lowest assurance level accepted; zero accepts all.
	MinLevel credential.Level
	// Types lists the credential type names accepted; empty accepts all.
	Types []string
	// ClockSkew is the tolerance on validity times; zero means
	// DefaultClockSkew, a negative value means none.
	ClockSkew time.Duration
	// MaxStatusAge is the oldest a status list may be (now minus its iat);
	// zero means DefaultMaxStatusAge.
	MaxStatusAge time.Duration
	// AllowStaleStatus turns status_stale of a list older than
	// MaxStatusAge into a warning. A list past its exp is never accepted
	// as proof of validity (status.md §5); a revocation in any list counts.
	AllowStaleStatus bool
	// BundleGrace is how long past its next_update a bundle is still used;
	// zero means none.
	BundleGrace time.Duration

	// RequireHolderBinding accepts a credential only inside a presentation
	// its holder's device signed (spec/presentation.md): a credential shown
	// bare, with or without cnf, is holder_binding_missing. Without it, a
	// bare credential with cnf is valid with the warning
	// holder_binding_unchecked, and presentations are checked all the same.
	RequireHolderBinding bool
	// MaxPresentationAge is how old a presentation (now minus its iat) may
	// be; zero means DefaultMaxPresentationAge.
	MaxPresentationAge time.Duration
	// PresentationSkew is the tolerance on a presentation's iat, at both
	// ends of its window; zero means DefaultPresentationSkew, a negative
	// value none. (ClockSkew, minutes, is for credentials' validity.)
	PresentationSkew time.Duration
}

// Config builds a Verifier. Exactly one of Keys and Trust is set.
type Config struct {
	// Keys resolves kids to trusted keys, with no authorization or status
	// checks: for quick local checks.
	Keys KeyResolver
	// Trust is a verified bundle with status lists (see LoadTrust).
	Trust *Trust
	// Schemas is the registry of credential types; nil means the built-ins.
	Schemas *schemas.Registry
	// Policy is applied to every credential.
	Policy Policy
}

// Verifier checks credentials against fixed keys, schemas and policy. It is
// safe for concurrent use.
type Verifier struct {
	keys    KeyResolver
	trust   *Trust
	schemas *schemas.Registry
	policy  Policy
	types   map[string]bool
	decoded *keyCache
}

// Errors of configuration, returned by New.
var (
	ErrNoKeys    = errors.New("verifier: no keys or trust store configured")
	ErrBadPolicy = errors.New("verifier: invalid policy")
	// ErrSchemaMismatch: a local schema differs from the bundle's digest.
	ErrSchemaMismatch = errors.New("verifier: schema differs from the trust bundle")
)

// New checks the configuration and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	v := &Verifier{keys: cfg.Keys, trust: cfg.Trust, schemas: cfg.Schemas, policy: cfg.Policy, decoded: &keyCache{}}
	switch {
	case cfg.Keys == nil && cfg.Trust == nil:
		return nil, ErrNoKeys
	case cfg.Keys != nil && cfg.Trust != nil:
		return nil, fmt.Errorf("%w: both a key set and a trust store given", ErrBadPolicy)
	case cfg.Trust != nil:
		if cfg.Trust.Bundle == nil {
			return nil, ErrNoKeys
		}
		v.keys = bundleKeys{cfg.Trust.Bundle}
		for i := range cfg.Trust.Bundle.Issuers {
			for j := range cfg.Trust.Bundle.Issuers[i].Keys {
				v.decoded.add(cfg.Trust.Bundle.Issuers[i].Keys[j].Key)
			}
		}
	}
	if v.schemas == nil {
		v.schemas = schemas.Builtin()
	}
	if v.trust != nil {
		// The bundle pins schema names, ids and digests: a local schema
		// that differs would judge credentials differently from every
		// other verifier.
		if err := v.trust.Bundle.CheckRegistry(v.schemas); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSchemaMismatch, err)
		}
	}
	p := &v.policy
	if p.MinLevel != 0 && !p.MinLevel.Valid() {
		return nil, fmt.Errorf("%w: minimum level %v", ErrBadPolicy, p.MinLevel)
	}
	switch {
	case p.ClockSkew == 0:
		p.ClockSkew = DefaultClockSkew
	case p.ClockSkew < 0:
		p.ClockSkew = 0
	}
	if p.MaxStatusAge == 0 {
		p.MaxStatusAge = DefaultMaxStatusAge
	}
	switch {
	case p.PresentationSkew == 0:
		p.PresentationSkew = DefaultPresentationSkew
	case p.PresentationSkew < 0:
		p.PresentationSkew = 0
	}
	if p.MaxPresentationAge == 0 {
		p.MaxPresentationAge = DefaultMaxPresentationAge
	}
	if p.MaxPresentationAge < 0 {
		return nil, fmt.Errorf("%w: negative maximum presentation age", ErrBadPolicy)
	}
	if p.MaxStatusAge < 0 || p.BundleGrace < 0 {
		return nil, fmt.Errorf("%w: negative status age or bundle grace", ErrBadPolicy)
	}
	if len(p.Types) > 0 {
		v.types = make(map[string]bool, len(p.Types))
		for _, name := range p.Types {
			if _, ok := v.schemas.ByName(name); !ok {
				return nil, fmt.Errorf("%w: unknown credential type %q (known: %v)", ErrBadPolicy, name, v.schemas.Names())
			}
			v.types[name] = true
		}
	}
	return v, nil
}

// Result is the outcome of one verification.
type Result struct {
	// Valid is true exactly when Code is CodeValid.
	Valid bool `json:"valid"`
	// Verdict is valid, invalid or undetermined (see Verdict).
	Verdict Verdict `json:"verdict"`
	// Code is the stable reason code.
	Code Code `json:"code"`
	// Detail explains a failure for people; it is not stable.
	Detail string `json:"detail,omitempty"`
	// Reason is a finer, stable sub-code of a malformed credential: which
	// rule it broke (spec/credential.md §11), e.g. "cbor_key_order".
	Reason string `json:"reason,omitempty"`
	// Level and Type are set once the signature holds, also when a later
	// check fails, so that an operator sees why (e.g. level_too_low).
	Level string `json:"level,omitempty"`
	Type  string `json:"type,omitempty"`
	// Claims are the subject's attributes by name; only in a valid result.
	Claims map[string]any `json:"claims,omitempty"`
	// Warnings are findings that do not make the credential invalid.
	Warnings []Warning `json:"warnings"`
	// Issuer is the issuer id from the trust bundle, else the iss claim;
	// KID the key id (base64url).
	Issuer string `json:"issuer,omitempty"`
	KID    string `json:"kid,omitempty"`
	// ExpiresAt is the credential's exp, once the signature holds.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Status is the credential's status list entry ("uri#idx"), if any.
	Status string `json:"status,omitempty"`
	// Presented is set when the input was a presentation whose holder
	// signature held: when the holder's device signed it (iat) and for
	// which audience.
	Presented *Presented `json:"presented,omitempty"`
	// Credential is the decoded claims set; only in a valid result.
	Credential *credential.Claims `json:"-"`
	// Schema is the credential's schema, once known.
	Schema *schemas.Schema `json:"-"`
}

func fail(code Code, format string, args ...any) Result {
	return Result{Code: code, Verdict: code.Verdict(), Detail: fmt.Sprintf(format, args...), Warnings: []Warning{}}
}

// failErr is the result of a decoding or signature error.
func failErr(err error) Result {
	r := fail(decodeCode(err), "%v", err)
	r.Reason = credential.Reason(err)
	return r
}

// Verify checks QR text: a credential ("NC1:...", see VerifyCOSE) or a
// presentation ("NP1:...", see VerifyPresentation).
func (v *Verifier) Verify(text string, opts Options) Result {
	if presentation.IsQR(text) {
		cose, err := presentation.DecodeQR(text)
		if err != nil {
			return failErr(err)
		}
		return v.VerifyPresentation(cose, opts)
	}
	cose, err := credential.DecodeQR(text)
	if err != nil {
		return failErr(err)
	}
	return v.VerifyCOSE(cose, opts)
}

// VerifyCOSE checks a tagged COSE_Sign1 in the order of spec/credential.md
// §8. A check that proves the credential invalid always wins over one that
// leaves it undetermined: a revoked credential is reported revoked even when
// the verifier's bundle is past its next_update.
func (v *Verifier) VerifyCOSE(data []byte, opts Options) Result {
	r, _ := v.verifyCredential(data, opts, false)
	return r
}

// verifyCredential is VerifyCOSE; presented says the credential came in a
// presentation (no holder binding warning or requirement here: the caller
// checks the binding). claims are the decoded claims once the signature
// held, whatever the verdict.
func (v *Verifier) verifyCredential(data []byte, opts Options, presented bool) (r Result, claims *credential.Claims) {
	msg, err := credential.Parse(data)
	if err != nil {
		return failErr(err), nil
	}
	var ref *bundle.KeyRef
	var key *keys.PublicKey
	if v.trust != nil {
		if r, ok := v.trust.Bundle.Key(msg.KID()); ok {
			ref, key = r, r.Key.Key
		}
	} else {
		key = v.keys.Lookup(msg.KID())
	}
	if key == nil {
		return fail(CodeUnknownKey, "no trusted key has kid %s", credential.KIDIssuer(msg.KID())), nil
	}
	vk, err := v.decoded.get(key)
	if err != nil {
		return failErr(err), nil
	}
	claims, err = msg.VerifyWith(vk)
	if err != nil {
		return failErr(err), nil
	}
	r = Result{
		Level:     claims.Level.String(),
		Warnings:  []Warning{},
		Issuer:    claims.Issuer,
		KID:       key.KIDString(),
		ExpiresAt: &claims.Expiry,
	}
	if claims.Status != nil {
		r.Status = claims.Status.URI + "#" + strconv.FormatUint(claims.Status.Index, 10)
	}
	at := opts.now()
	skew := v.policy.ClockSkew
	// ValidFrom is nbf, which is never before iat: a credential issued in
	// the future (a key not yet in service signing for later) is not valid.
	if at.Add(skew).Before(claims.ValidFrom()) {
		return r.fail(CodeNotYetValid, "valid from %s, now %s", stamp(claims.ValidFrom()), stamp(at)), claims
	}
	if !at.Add(-skew).Before(claims.Expiry) {
		return r.fail(CodeExpired, "expired at %s, now %s", stamp(claims.Expiry), stamp(at)), claims
	}
	if ref != nil {
		if claims.Issuer != "" && claims.Issuer != ref.Issuer.ID {
			return r.fail(CodeIssuerMismatch, "credential names issuer %q, key %s belongs to %q", claims.Issuer, key.KIDString(), ref.Issuer.ID), claims
		}
		r.Issuer = ref.Issuer.ID
	}
	schema, ok := v.schemas.ByID(claims.Type)
	if !ok {
		return r.fail(CodeUnknownType, "credential type %d is not in the schema registry", claims.Type), claims
	}
	r.Type, r.Schema = schema.Name, schema
	if claims.Version != schema.Version {
		return r.fail(CodeUnknownType, "%s schema version %d is not known (have version %d)", schema.Name, claims.Version, schema.Version), claims
	}
	if ref != nil {
		if err := ref.Key.Authorization.Check(schema.Name, claims.Level, claims.IssuedAt); err != nil {
			return r.fail(CodeKeyNotAuthorized, "issuer %s key %s: %v", ref.Issuer.ID, key.KIDString(), err), claims
		}
	}
	if !claims.Evidence.Supports(claims.Level) {
		return r.fail(CodeEvidenceInsufficient, "level %s needs evidence %s or stronger, the credential records %s",
			claims.Level, credential.DefaultEvidence(claims.Level), claims.Evidence), claims
	}
	if claims.Level < schema.MinLevel {
		return r.fail(CodeSchemaInvalid, "%s credentials need level %s or higher, got %s", schema.Name, schema.MinLevel, claims.Level), claims
	}
	attrs, err := schema.Decode(claims.Attributes)
	if err != nil {
		// The detail names the claim and the rule, never a value: an
		// invalid result must not release personal data.
		var ce *schemas.ClaimError
		if errors.As(err, &ce) {
			name := ce.Claim
			if name == "" {
				name = "key " + strconv.FormatInt(ce.Key, 10)
			}
			return r.fail(CodeSchemaInvalid, "claim %s fails the %s check of schema %s", name, ce.Rule, schema.Name), claims
		}
		return r.fail(CodeSchemaInvalid, "attributes break schema %s", schema.Name), claims
	}
	// From here on a finding may leave the result undetermined; keep the
	// first such finding and let any later invalid finding override it.
	var pending *Result
	if res, done := v.checkStatus(&r, claims, ref, at); done {
		return res, claims
	} else if res.Code != "" {
		pending = &res
	}
	if v.types != nil && !v.types[schema.Name] {
		return r.fail(CodeTypeNotAllowed, "type %s is not accepted here (accepted: %v)", schema.Name, v.policy.Types), claims
	}
	if claims.Level < v.policy.MinLevel {
		return r.fail(CodeLevelTooLow, "level %s is below the required %s", claims.Level, v.policy.MinLevel), claims
	}
	if v.policy.RequireHolderBinding && !presented {
		if claims.Confirmation == nil {
			return r.fail(CodeHolderBindingMissing, "holder binding is required: this credential has no holder key (cnf) and cannot be presented"), claims
		}
		return r.fail(CodeHolderBindingMissing, "holder binding is required: show a presentation the holder's device signs (netcred present), not the credential itself"), claims
	}
	if v.trust != nil && pending == nil {
		if next := v.trust.Bundle.NextUpdate.Add(v.policy.BundleGrace); !at.Before(next) {
			res := r.fail(CodeBundleExpired, "trust bundle %d was due for an update at %s: sync", v.trust.Bundle.Serial, stamp(v.trust.Bundle.NextUpdate))
			pending = &res
		} else if !at.Before(v.trust.Bundle.NextUpdate) {
			r.warn(WarnBundleGrace, "trust bundle %d was due for an update at %s; accepted by policy until %s: sync", v.trust.Bundle.Serial, stamp(v.trust.Bundle.NextUpdate), stamp(next))
		}
	}
	if pending != nil {
		return *pending, claims
	}
	if claims.Confirmation != nil && !presented {
		r.warn(WarnHolderBindingUnchecked, "holder binding (cnf) present but not checked: the QR code alone does not prove possession")
	}
	r.Valid, r.Verdict, r.Code, r.Claims, r.Credential = true, VerdictValid, CodeValid, attrs, claims
	return r, claims
}

// checkStatus looks the credential up in its status list. done reports a
// final (invalid) result; otherwise a non-empty result is undetermined
// and pending, and an empty one means the status is fine.
func (v *Verifier) checkStatus(r *Result, claims *credential.Claims, ref *bundle.KeyRef, at time.Time) (res Result, done bool) {
	ref2 := claims.Status
	switch {
	case ref2 == nil:
		if v.trust != nil {
			r.warn(WarnNoStatus, "credential carries no status reference: revocation cannot be checked")
		}
		return Result{}, false
	case v.trust == nil:
		r.warn(WarnStatusUnchecked, "status not checked: verifying with a plain key set, not a trust store")
		return Result{}, false
	}
	owner, ok := v.trust.Bundle.IssuerOfStatusList(ref2.URI)
	if !ok || owner.ID != ref.Issuer.ID {
		return r.fail(CodeStatusInvalid, "status list %s is not one that issuer %s publishes", ref2.URI, ref.Issuer.ID), true
	}
	tok, ok := v.trust.Lists[ref2.URI]
	if !ok {
		return r.fail(CodeStatusUnavailable, "no status list %s in the trust store: sync", ref2.URI), false
	}
	st, err := tok.List.Get(ref2.Index)
	if err != nil {
		return r.fail(CodeStatusInvalid, "index %d outside status list %s of %d entries", ref2.Index, ref2.URI, tok.List.Len()), true
	}
	// A list past its exp still proves a revocation (final), but nothing
	// else: not validity, and not a suspension that may have been lifted
	// since (status.md §5), whatever the policy says of stale lists.
	expired := !tok.Expiry.IsZero() && !at.Before(tok.Expiry)
	switch st {
	case status.Revoked:
		return r.fail(CodeRevoked, "revoked (status list %s of %s)", ref2.URI, stamp(tok.IssuedAt)), true
	case status.Suspended:
		if !expired {
			return r.fail(CodeSuspended, "suspended (status list %s of %s)", ref2.URI, stamp(tok.IssuedAt)), true
		}
	case status.Valid:
	default:
		return r.fail(CodeStatusInvalid, "status %s is application-specific; netcred gives it no meaning", st), true
	}
	if expired {
		return r.fail(CodeStatusStale, "status list %s expired at %s: sync", ref2.URI, stamp(tok.Expiry)), false
	}
	if age := at.Sub(tok.IssuedAt); age > v.policy.MaxStatusAge {
		msg := fmt.Sprintf("status list %s is from %s (%s old, max %s)", ref2.URI, stamp(tok.IssuedAt), age.Round(time.Second), v.policy.MaxStatusAge)
		if v.policy.AllowStaleStatus {
			r.warn(WarnStatusStale, "%s; accepted by policy", msg)
			return Result{}, false
		}
		return r.fail(CodeStatusStale, "%s: sync", msg), false
	}
	return Result{}, false
}

func (r Result) fail(code Code, format string, args ...any) Result {
	r.Code, r.Verdict, r.Detail = code, code.Verdict(), fmt.Sprintf(format, args...)
	r.Warnings = append([]Warning{}, r.Warnings...)
	return r
}

func (r *Result) warn(code WarningCode, format string, args ...any) {
	r.Warnings = append(r.Warnings, Warning{Code: code, Detail: fmt.Sprintf(format, args...)})
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// decodeCode maps credential errors to reason codes.
func decodeCode(err error) Code {
	for _, m := range errorCodes {
		if errors.Is(err, m.err) {
			return m.code
		}
	}
	return CodeMalformed
}

var errorCodes = []struct {
	err  error
	code Code
}{
	{credential.ErrTooLarge, CodeTooLarge},
	{credential.ErrAlgorithmNotAllowed, CodeAlgNotAllowed},
	{credential.ErrAlgorithmMismatch, CodeAlgMismatch},
	{credential.ErrSignatureInvalid, CodeSignatureInvalid},
	{credential.ErrWrongType, CodeWrongType},
	{credential.ErrMalformed, CodeMalformed},
}

// Allowed reports whether a type name is accepted by the policy.
func (v *Verifier) Allowed(typeName string) bool {
	return v.types == nil || v.types[typeName]
}
