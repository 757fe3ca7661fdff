// Package issuer signs credentials and applies the issuance rules over a
// store of records (spec/issuer.md).
//
// Issuer is the signing core: it turns a request (type, level, evidence,
// claims) into a signed credential after checking it against the schema
// and the level rules. Service applies the rules, once, over any Store:
// it gives each credential a never reused status list index (a per-list
// counter through a keyed permutation, ranges reserved in memory), signs
// outside the store's write transactions and returns a credential only
// once its record is durable; it changes statuses (revocation is final),
// rolls lists over, publishes the signed status list tokens, manages the
// HTTP API's clients and the registered terminals, and chains every change
// into the audit log with signed checkpoints. The embedded store is
// issuer/store/bolt; every store passes issuer/store/storetest.
//
// # Security
//
// Records hold no claims and no biometrics: only what revocation and audit
// need. The one exception is an open credential offer (offers.go), which
// holds its claims for the minutes until a wallet redeems it. Client tokens are stored as SHA-256 hashes.
package issuer

import (
	"errors"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/credential/sign"
	"github.com/netcred/netcred/keys"
	"github.com/netcred/netcred/schemas"
)

// Validity defaults and bounds.
const (
	DefaultValidity = 365 * 24 * time.Hour
	MaxValidity     = 10 * 366 * 24 * time.Hour
)

// Errors of issuance; each wraps with the detail of what was refused.
var (
	ErrLevel    = errors.New("issuer: level not allowed")
	ErrEvidence = errors.New("issuer: evidence does not support the level")
	ErrValidity = errors.New("issuer: invalid validity period")
	ErrRequest  = errors.New("issuer: invalid request")
)

// Issuer signs credentials with one key.
type Issuer struct {
	key     *keys.PrivateKey
	schemas *schemas.Registry
	// ID, when set, is written as the iss claim. Leave it empty to keep
	// credentials small: verifiers know the issuer by the key.
	ID string
	// Now returns the issuance time; nil means time.Now.
	Now func() time.Time
}

// New returns an Issuer signing with key and validating against registry
// (nil means the built-in schemas).
func New(key *keys.PrivateKey, registry *schemas.Registry) *Issuer {
	if registry == nil {
		registry = schemas.Builtin()
	}
	return &Issuer{key: key, schemas: registry}
}

// Request is what an enrollment client asks for.
type Request struct {
	// Type is the schema name, e.g. "identity".
	Type string
	// Level is the assurance level to issue at.
	Level credential.Level
	// Evidence is how identity was established; zero means the weakest
	// evidence that supports Level (credential.DefaultEvidence).
	Evidence credential.Evidence
	// Claims are the subject's attributes by name, as decoded from JSON.
	Claims map[string]any
	// ValidFor is the validity period from issuance; zero means DefaultValidity.
	ValidFor time.Duration
	// Status is the status list entry reserved for this credential, if any.
	Status *credential.StatusRef
	// ID is an optional credential identifier (cti).
	ID []byte
	// HolderKey, when set, binds the credential to the holder's device
	// key: the credential carries cnf = {1: COSE_Key} (RFC 8747,
	// spec/credential.md §4.6), and a verifier that requires holder
	// binding accepts it only inside a presentation signed with that key.
	HolderKey *keys.PublicKey
}

// Issued is a signed credential.
type Issued struct {
	COSE   []byte
	QR     string
	Claims *credential.Claims
}

// Issue validates the request and signs the credential.
func (is *Issuer) Issue(req Request) (*Issued, error) {
	c, err := is.prepare(req)
	if err != nil {
		return nil, err
	}
	return is.sign(c)
}

// KID returns the kid of the signing key.
func (is *Issuer) KID() []byte { return is.key.KID() }

// Key returns the signing key.
func (is *Issuer) Key() *keys.PrivateKey { return is.key }

// prepare checks req and returns the claims to sign, without signing.
func (is *Issuer) prepare(req Request) (*credential.Claims, error) {
	schema, ok := is.schemas.ByName(req.Type)
	if !ok {
		return nil, fmt.Errorf("%w: %q (known: %v)", schemas.ErrUnknownType, req.Type, is.schemas.Names())
	}
	if !req.Level.Valid() {
		return nil, fmt.Errorf("%w: %v", ErrLevel, req.Level)
	}
	if req.Level < schema.MinLevel {
		return nil, fmt.Errorf("%w: %s credentials need level %s or higher, requested %s", ErrLevel, schema.Name, schema.MinLevel, req.Level)
	}
	evidence := req.Evidence
	if evidence == credential.EvidenceNone {
		evidence = credential.DefaultEvidence(req.Level)
	}
	// The rule verifiers enforce too (evidence_insufficient), in one place.
	if !evidence.Supports(req.Level) {
		return nil, fmt.Errorf("%w: level %s needs evidence %s or stronger, got %s", ErrEvidence, req.Level, credential.DefaultEvidence(req.Level), evidence)
	}
	validFor := req.ValidFor
	if validFor == 0 {
		validFor = DefaultValidity
	}
	if validFor < time.Second || validFor > MaxValidity {
		return nil, fmt.Errorf("%w: %s (must be between 1s and %s)", ErrValidity, validFor, MaxValidity)
	}
	attrs, err := schema.Encode(req.Claims)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if is.Now != nil {
		now = is.Now
	}
	iat := now().UTC().Truncate(time.Second)
	c := &credential.Claims{
		Issuer:     is.ID,
		IssuedAt:   iat,
		Expiry:     iat.Add(validFor),
		ID:         req.ID,
		Status:     req.Status,
		Type:       schema.ID,
		Version:    schema.Version,
		Level:      req.Level,
		Evidence:   evidence,
		Attributes: attrs,
	}
	if req.HolderKey != nil {
		if c.Confirmation, err = credential.MarshalConfirmation(req.HolderKey.Key()); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// sign signs claims c.
func (is *Issuer) sign(c *credential.Claims) (*Issued, error) {
	cose, err := sign.Credential(c, is.key.Algorithm(), is.key.KID(), is.key.Signer())
	if err != nil {
		return nil, err
	}
	qr, err := credential.EncodeQR(cose)
	if err != nil {
		return nil, err
	}
	return &Issued{COSE: cose, QR: qr, Claims: c}, nil
}
