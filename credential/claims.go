package credential

import (
	"bytes"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/strictcbor"
)

// CWT claim keys (RFC 8392 §4, RFC 8747, draft-ietf-oauth-status-list) and
// netcred's private-use claim.
const (
	claimIss     = 1
	claimSub     = 2
	claimExp     = 4
	claimNbf     = 5
	claimIat     = 6
	claimCti     = 7
	claimCnf     = 8
	claimStatus  = 65535
	claimNetcred = -65537
)

// Claims is a credential's claims set: the registered CWT claims netcred uses
// and its private claim (type, schema version, level, evidence, attributes).
type Claims struct {
	// Issuer (iss) is optional: the verifier knows the issuer from the key
	// that signed. When present it must match the trust store's issuer id.
	Issuer string
	// Subject (sub) is optional: for an identity credential the attributes
	// name the subject.
	Subject string
	// IssuedAt (iat) and Expiry (exp) are required, whole seconds.
	IssuedAt time.Time
	Expiry   time.Time
	// NotBefore (nbf) is optional; the zero value means "from IssuedAt" and
	// is not written.
	NotBefore time.Time
	// ID (cti) is an optional credential identifier.
	ID []byte
	// Confirmation (cnf, RFC 8747) is the holder key binding, kept as the
	// raw CBOR of the cnf map; nil when the credential is not holder-bound.
	Confirmation cbor.RawMessage
	// Status is the Token Status List reference; nil when the credential
	// carries none.
	Status *StatusRef

	// Type is the schema's numeric id and Version its version.
	Type    uint64
	Version uint64
	// Level is the assurance level and Evidence how identity was established.
	Level    Level
	Evidence Evidence
	// Attributes are the subject's claims keyed by the schema's integer
	// keys, as wire values (string, int64, uint64, []byte, bool ...). The
	// schemas package converts them to and from named JSON values.
	Attributes map[int64]any
}

// StatusRef points at one entry of a Token Status List.
type StatusRef struct {
	Index uint64 // idx
	URI   string // uri: the status list's identifier (the sub of its token)
}

// ValidFrom is NotBefore, or IssuedAt when NotBefore is not set.
func (c *Claims) ValidFrom() time.Time {
	if c.NotBefore.IsZero() {
		return c.IssuedAt
	}
	return c.NotBefore
}

// wireClaims is the CWT claims set as it is encoded.
type wireClaims struct {
	Iss    string          `cbor:"1,keyasint,omitempty"`
	Sub    string          `cbor:"2,keyasint,omitempty"`
	Exp    int64           `cbor:"4,keyasint,omitempty"`
	Nbf    int64           `cbor:"5,keyasint,omitempty"`
	Iat    int64           `cbor:"6,keyasint,omitempty"`
	Cti    []byte          `cbor:"7,keyasint,omitempty"`
	Cnf    cbor.RawMessage `cbor:"8,keyasint,omitempty"`
	Status *wireStatus     `cbor:"65535,keyasint,omitempty"`
	NC     *wireNetcred    `cbor:"-65537,keyasint,omitempty"`
}

// wireStatus is the Token Status List "status" claim. Other status
// mechanisms that may sit beside status_list are ignored.
type wireStatus struct {
	StatusList *wireStatusList `cbor:"status_list,omitempty"`
}

type wireStatusList struct {
	Idx uint64 `cbor:"idx"`
	URI string `cbor:"uri"`
}

// wireNetcred is the private claim: [type, version, level, evidence, attributes].
type wireNetcred struct {
	_          struct{} `cbor:",toarray"`
	Type       uint64
	Version    uint64
	Level      uint64
	Evidence   uint64
	Attributes map[int64]any
}

// MarshalCBOR encodes the claims set in Core Deterministic Encoding. It
// checks what a verifier would refuse, so an issuer cannot sign a claims set
// that no verifier accepts.
func (c *Claims) MarshalCBOR() ([]byte, error) {
	if _, err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidClaims, err)
	}
	w := wireClaims{
		Iss: c.Issuer,
		Sub: c.Subject,
		Exp: c.Expiry.Unix(),
		Iat: c.IssuedAt.Unix(),
		Cti: c.ID,
		Cnf: c.Confirmation,
		NC: &wireNetcred{
			Type:       c.Type,
			Version:    c.Version,
			Level:      uint64(c.Level),
			Evidence:   uint64(c.Evidence),
			Attributes: c.Attributes,
		},
	}
	if !c.NotBefore.IsZero() && !c.NotBefore.Equal(c.IssuedAt) {
		w.Nbf = c.NotBefore.Unix()
	}
	if c.Status != nil {
		w.Status = &wireStatus{StatusList: &wireStatusList{Idx: c.Status.Index, URI: c.Status.URI}}
	}
	if w.NC.Attributes == nil {
		w.NC.Attributes = map[int64]any{}
	} else {
		w.NC.Attributes = wireAttributes(w.NC.Attributes)
	}
	b, err := encMode.Marshal(&w)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidClaims, err)
	}
	if err := checkCanonical(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidClaims, err)
	}
	return b, nil
}

// check enforces the rules that both MarshalCBOR and UnmarshalCBOR apply
// (credential.md §4). It returns the Reason of a failure with it, so that
// UnmarshalCBOR reports a decoded credential that breaks them as malformed
// with that reason and MarshalCBOR as ErrInvalidClaims.
func (c *Claims) check() (reason string, err error) {
	date := func(t time.Time) bool { return t.Unix() >= 1 && t.Unix() <= MaxNumericDate }
	switch {
	case !date(c.IssuedAt):
		return ReasonClaimsDate, fmt.Errorf("iat missing or outside 1970-01-01T00:00:01Z to 2^62 seconds")
	case !date(c.Expiry):
		return ReasonClaimsDate, fmt.Errorf("exp missing or outside 1970-01-01T00:00:01Z to 2^62 seconds")
	case !c.NotBefore.IsZero() && !date(c.NotBefore):
		return ReasonClaimsDate, fmt.Errorf("nbf outside 1970-01-01T00:00:01Z to 2^62 seconds")
	case !c.Expiry.After(c.IssuedAt):
		return ReasonClaimsDate, fmt.Errorf("exp %d is not after iat %d", c.Expiry.Unix(), c.IssuedAt.Unix())
	case !c.NotBefore.IsZero() && !c.Expiry.After(c.NotBefore):
		return ReasonClaimsDate, fmt.Errorf("exp is not after nbf")
	case !c.NotBefore.IsZero() && c.NotBefore.Before(c.IssuedAt):
		return ReasonClaimsDate, fmt.Errorf("nbf is before iat")
	case c.Type == 0:
		return ReasonClaims, fmt.Errorf("credential type missing")
	case !c.Level.Valid():
		return ReasonClaims, fmt.Errorf("%w: %v", ErrUnknownLevel, c.Level)
	case !c.Evidence.Valid():
		return ReasonClaims, fmt.Errorf("%w: %v", ErrUnknownEvidence, c.Evidence)
	case c.Status != nil && c.Status.URI == "":
		return ReasonClaimsStatus, fmt.Errorf("status reference without a uri")
	}
	if c.Confirmation != nil {
		if _, _, err := ParseConfirmation(c.Confirmation); err != nil {
			return ReasonClaimsCnf, err
		}
	}
	return "", nil
}

// UnmarshalCBOR decodes a claims set strictly: it must be canonical CBOR
// (see checkCanonical), a map with integer NumericDates iat and exp and the
// netcred private claim. Unknown claims are ignored, as CWT requires.
func (c *Claims) UnmarshalCBOR(data []byte) error {
	if err := checkCanonical(data); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	w, err := decodeClaims(data)
	if err != nil {
		return err
	}
	if !w.HasNC {
		return malformed(ReasonClaims, "netcred claim (%d) missing", claimNetcred)
	}
	if w.Iat == 0 || w.Exp == 0 {
		return malformed(ReasonClaimsDate, "iat and exp are required")
	}
	// A level or evidence past a byte is undefined like any other value
	// check refuses; keep it undefined rather than truncate it.
	level, evidence := Level(w.NC.Level), Evidence(w.NC.Evidence)
	if w.NC.Level > 255 {
		level = 0
	}
	if w.NC.Evidence > 255 {
		evidence = 255
	}
	out := Claims{
		Issuer:       w.Iss,
		Subject:      w.Sub,
		IssuedAt:     time.Unix(w.Iat, 0).UTC(),
		Expiry:       time.Unix(w.Exp, 0).UTC(),
		ID:           w.Cti,
		Confirmation: w.Cnf,
		Status:       w.Status,
		Type:         w.NC.Type,
		Version:      w.NC.Version,
		Level:        level,
		Evidence:     evidence,
		Attributes:   w.NC.Attributes,
	}
	if w.HasNbf {
		out.NotBefore = time.Unix(w.Nbf, 0).UTC()
	}
	if out.Attributes == nil {
		return malformed(ReasonClaims, "attributes missing")
	}
	if reason, err := out.check(); err != nil {
		return malformed(reason, "%v", err)
	}
	*c = out
	return nil
}

// Equal reports whether two claims sets encode to the same bytes.
func (c *Claims) Equal(o *Claims) bool {
	a, err1 := c.MarshalCBOR()
	b, err2 := o.MarshalCBOR()
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}

// wireAttributes returns attrs with the byte-string map keys that decoding
// returns (strictcbor.ByteString, inside array or map attributes) turned
// into fxamacker/cbor's ByteString, which encodes as a byte string again
// rather than as text. attrs is not modified, and returned as it is when it
// holds no array or map (the issuer's case: no copy on its hot path).
func wireAttributes(attrs map[int64]any) map[int64]any {
	nested := false
	for _, v := range attrs {
		switch v.(type) {
		case []any, map[any]any:
			nested = true
		}
	}
	if !nested {
		return attrs
	}
	out := make(map[int64]any, len(attrs))
	for k, v := range attrs {
		out[k] = wireValue(v)
	}
	return out
}

func wireValue(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wireValue(e)
		}
		return out
	case map[any]any:
		out := make(map[any]any, len(x))
		for k, e := range x {
			if bs, ok := k.(strictcbor.ByteString); ok {
				k = cbor.ByteString(bs)
			}
			out[k] = wireValue(e)
		}
		return out
	}
	return v
}
