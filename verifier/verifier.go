package verifier

import (
	"errors"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// DefaultClockSkew is how far the verifier's clock may disagree with the
// issuer's before a credential counts as not yet valid or expired.
const DefaultClockSkew = 5 * time.Minute

// KeyResolver finds the trusted key a kid names, or nil. keys.Set is one.
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
	// At is the verification time; zero means the current time.
	At time.Time
}

// Config builds a Verifier.
type Config struct {
	// Keys resolves kids to trusted keys. Required.
	Keys KeyResolver
	// Schemas is the registry of credential types; nil means the built-ins.
	Schemas *schemas.Registry
	// Policy is applied to every credential.
	Policy Policy
}

// Verifier checks credentials against fixed keys, schemas and policy. It is
// safe for concurrent use.
type Verifier struct {
	keys    KeyResolver
	schemas *schemas.Registry
	policy  Policy
	types   map[string]bool
}

// Errors of configuration, returned by New.
var (
	ErrNoKeys    = errors.New("verifier: no key resolver configured")
	ErrBadPolicy = errors.New("verifier: invalid policy")
)

// New checks the configuration and returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	if cfg.Keys == nil {
		return nil, ErrNoKeys
	}
	v := &Verifier{keys: cfg.Keys, schemas: cfg.Schemas, policy: cfg.Policy}
	if v.schemas == nil {
		v.schemas = schemas.Builtin()
	}
	if p := cfg.Policy; p.MinLevel != 0 && !p.MinLevel.Valid() {
		return nil, fmt.Errorf("%w: minimum level %v", ErrBadPolicy, p.MinLevel)
	}
	switch {
	case v.policy.ClockSkew == 0:
		v.policy.ClockSkew = DefaultClockSkew
	case v.policy.ClockSkew < 0:
		v.policy.ClockSkew = 0
	}
	if len(cfg.Policy.Types) > 0 {
		v.types = make(map[string]bool, len(cfg.Policy.Types))
		for _, name := range cfg.Policy.Types {
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
	// Code is the stable reason code.
	Code Code `json:"code"`
	// Detail explains a failure for people; it is not stable.
	Detail string `json:"detail,omitempty"`
	// Level and Type are set once the signature holds, also when a later
	// check fails, so that an operator sees why (e.g. level_too_low).
	Level string `json:"level,omitempty"`
	Type  string `json:"type,omitempty"`
	// Claims are the subject's attributes by name; only in a valid result.
	Claims map[string]any `json:"claims,omitempty"`
	// Warnings are findings that do not make the credential invalid.
	Warnings []string `json:"warnings"`
	// Issuer is the iss claim or the key's issuer; KID the key id (base64url).
	Issuer string `json:"issuer,omitempty"`
	KID    string `json:"kid,omitempty"`
	// ExpiresAt is the credential's exp, once the signature holds.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Credential is the decoded claims set; only in a valid result.
	Credential *credential.Claims `json:"-"`
	// Schema is the credential's schema, once known.
	Schema *schemas.Schema `json:"-"`
}

func fail(code Code, format string, args ...any) Result {
	return Result{Code: code, Detail: fmt.Sprintf(format, args...), Warnings: []string{}}
}

// Verify checks QR text ("NC1:..."). See VerifyCOSE for the rest.
func (v *Verifier) Verify(text string) Result {
	cose, err := credential.DecodeQR(text)
	if err != nil {
		return fail(decodeCode(err), "%v", err)
	}
	return v.VerifyCOSE(cose)
}

// VerifyCOSE checks a tagged COSE_Sign1, in the order of the spec:
// structure, key by kid, algorithm, signature, typ, claims, validity window,
// issuer, schema, policy.
func (v *Verifier) VerifyCOSE(data []byte) Result {
	msg, err := credential.Parse(data)
	if err != nil {
		return fail(decodeCode(err), "%v", err)
	}
	key := v.keys.Lookup(msg.KID())
	if key == nil {
		return fail(CodeUnknownKey, "no trusted key has kid %s", credential.KIDIssuer(msg.KID()))
	}
	claims, err := msg.Verify(key.Algorithm(), key.Key())
	if err != nil {
		return fail(decodeCode(err), "%v", err)
	}
	r := Result{
		Level:     claims.Level.String(),
		Warnings:  []string{},
		Issuer:    claims.Issuer,
		KID:       key.KIDString(),
		ExpiresAt: &claims.Expiry,
	}
	at := v.policy.At
	if at.IsZero() {
		at = time.Now()
	}
	skew := v.policy.ClockSkew
	if at.Add(skew).Before(claims.ValidFrom()) {
		return r.fail(CodeNotYetValid, "valid from %s, now %s", stamp(claims.ValidFrom()), stamp(at))
	}
	if !at.Add(-skew).Before(claims.Expiry) {
		return r.fail(CodeExpired, "expired at %s, now %s", stamp(claims.Expiry), stamp(at))
	}
	schema, ok := v.schemas.ByID(claims.Type)
	if !ok {
		return r.fail(CodeUnknownType, "credential type %d is not in the schema registry", claims.Type)
	}
	r.Type, r.Schema = schema.Name, schema
	if claims.Version != schema.Version {
		return r.fail(CodeUnknownType, "%s schema version %d is not known (have version %d)", schema.Name, claims.Version, schema.Version)
	}
	if claims.Level < schema.MinLevel {
		return r.fail(CodeSchemaInvalid, "%s credentials need level %s or higher, got %s", schema.Name, schema.MinLevel, claims.Level)
	}
	attrs, err := schema.Decode(claims.Attributes)
	if err != nil {
		return r.fail(CodeSchemaInvalid, "%v", err)
	}
	if v.types != nil && !v.types[schema.Name] {
		return r.fail(CodeTypeNotAllowed, "type %s is not accepted here (accepted: %v)", schema.Name, v.policy.Types)
	}
	if claims.Level < v.policy.MinLevel {
		return r.fail(CodeLevelTooLow, "level %s is below the required %s", claims.Level, v.policy.MinLevel)
	}
	if claims.Confirmation != nil {
		r.Warnings = append(r.Warnings, "holder binding (cnf) present but not checked: the QR code alone does not prove possession")
	}
	r.Valid, r.Code, r.Claims, r.Credential = true, CodeValid, attrs, claims
	return r
}

func (r Result) fail(code Code, format string, args ...any) Result {
	r.Code, r.Detail = code, fmt.Sprintf(format, args...)
	return r
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
