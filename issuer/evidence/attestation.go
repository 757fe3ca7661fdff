package evidence

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/keys"
)

// AttestationType is the typ of an attestation's JWS header (RFC 8725
// §3.11 explicit typing).
const AttestationType = "netcred-attestation+jwt"

// Bounds on an attestation's claims (spec/evidence.md §3).
const (
	// MaxJTI is the longest jti.
	MaxJTI = 128
	// maxNumericDate is 9999-12-31T23:59:59Z.
	maxNumericDate = 253402300799
)

// Attestation is what a terminal signs: it checked the document of the
// person these claims describe, at IssuedAt (spec/evidence.md §3).
type Attestation struct {
	// Terminal is the terminal's registered name (iss).
	Terminal string
	// IssuedAt is when the check was done (iat), in whole seconds.
	IssuedAt time.Time
	// Expiry, when not zero, is the time after which the terminal wants
	// the attestation refused (exp), in whole seconds.
	Expiry time.Time
	// ID is unique per terminal (jti): an attestation is used once.
	ID string
	// ClaimsDigest is the digest of the request's claims (claims_digest).
	ClaimsDigest Digest
}

// attestationHeader is the JSON form of the JWS protected header.
type attestationHeader struct {
	Alg *string `json:"alg"`
	Typ *string `json:"typ"`
	Kid *string `json:"kid,omitempty"`
}

// attestationClaims is the JSON form of the JWS payload.
type attestationClaims struct {
	Iss          *string `json:"iss"`
	Iat          *int64  `json:"iat"`
	Exp          *int64  `json:"exp,omitempty"`
	Jti          *string `json:"jti"`
	ClaimsDigest *string `json:"claims_digest"`
}

// NewJTI returns a fresh jti: 16 bytes from crypto/rand, unpadded base64url.
func NewJTI() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// SignAttestation returns a's JWS, signed with the terminal's key, with a
// header of alg, typ and kid. Times are truncated to whole seconds; an
// empty ID gets NewJTI.
func SignAttestation(key *keys.PrivateKey, a Attestation) (string, error) {
	if !ValidTerminalName(a.Terminal) {
		return "", fmt.Errorf("%w: terminal name %q: want 1 to %d characters of A-Z a-z 0-9 . _ -", ErrMalformed, a.Terminal, MaxTerminalName)
	}
	if a.ID == "" {
		a.ID = NewJTI()
	}
	if !validJTI(a.ID) {
		return "", fmt.Errorf("%w: jti %q: want 1 to %d printable ASCII characters", ErrMalformed, a.ID, MaxJTI)
	}
	alg, typ, kid := string(key.Algorithm()), AttestationType, key.Public().KIDString()
	header, err := json.Marshal(attestationHeader{Alg: &alg, Typ: &typ, Kid: &kid})
	if err != nil {
		return "", err
	}
	iat, digest := a.IssuedAt.Unix(), a.ClaimsDigest.String()
	c := attestationClaims{Iss: &a.Terminal, Iat: &iat, Jti: &a.ID, ClaimsDigest: &digest}
	if !a.Expiry.IsZero() {
		exp := a.Expiry.Unix()
		if exp <= iat {
			return "", fmt.Errorf("%w: exp is not after iat", ErrMalformed)
		}
		c.Exp = &exp
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	out, err := jws.Sign(header, payload, key)
	return string(out), err
}

// signedAttestation is an attestation parsed but not yet verified.
type signedAttestation struct {
	jws *jws.Compact
	alg credential.Algorithm
	kid string // "" when the header has none
	Attestation
}

// parseAttestation decodes an attestation JWS strictly (spec/evidence.md
// §3) without verifying its signature. Errors are *Error with
// CodeAttestationInvalid (Index -1).
func parseAttestation(s string) (*signedAttestation, error) {
	invalid := func(format string, args ...any) error {
		return refusef(CodeAttestationInvalid, -1, format, args...)
	}
	if len(s) > MaxAttestationSize {
		return nil, invalid("%d bytes, over %d", len(s), MaxAttestationSize)
	}
	j, err := jws.Parse([]byte(s))
	if err != nil {
		return nil, &Error{Code: CodeAttestationInvalid, Index: -1, Detail: err.Error(), cause: err}
	}
	strict := []strictjson.Option{strictjson.DisallowUnknownFields(), strictjson.DisallowNull(), strictjson.MaxDepth(1)}
	var h attestationHeader
	if err := strictjson.Unmarshal(j.Header, &h, strict...); err != nil {
		return nil, &Error{Code: CodeAttestationInvalid, Index: -1, Detail: "header: " + err.Error(), cause: err}
	}
	sa := &signedAttestation{jws: j}
	switch {
	case h.Alg == nil:
		return nil, invalid("header has no alg")
	case *h.Alg != string(credential.EdDSA) && *h.Alg != string(credential.ES256):
		return nil, invalid("alg %q is not allowed (want EdDSA or ES256)", *h.Alg)
	case h.Typ == nil || *h.Typ != AttestationType:
		return nil, invalid("typ is not %q", AttestationType)
	}
	sa.alg = credential.Algorithm(*h.Alg)
	if h.Kid != nil {
		if *h.Kid == "" {
			return nil, invalid("empty kid")
		}
		sa.kid = *h.Kid
	}
	var c attestationClaims
	if err := strictjson.Unmarshal(j.Payload, &c, strict...); err != nil {
		return nil, &Error{Code: CodeAttestationInvalid, Index: -1, Detail: "claims: " + err.Error(), cause: err}
	}
	for _, m := range []struct {
		name    string
		missing bool
	}{{"iss", c.Iss == nil}, {"iat", c.Iat == nil}, {"jti", c.Jti == nil}, {"claims_digest", c.ClaimsDigest == nil}} {
		if m.missing {
			return nil, invalid("claims have no %s", m.name)
		}
	}
	if !ValidTerminalName(*c.Iss) {
		return nil, invalid("iss %q is not a terminal name", *c.Iss)
	}
	if *c.Iat < 1 || *c.Iat > maxNumericDate {
		return nil, invalid("iat %d is out of range", *c.Iat)
	}
	if c.Exp != nil && (*c.Exp <= *c.Iat || *c.Exp > maxNumericDate) {
		return nil, invalid("exp %d is not after iat %d", *c.Exp, *c.Iat)
	}
	if !validJTI(*c.Jti) {
		return nil, invalid("jti: want 1 to %d printable ASCII characters", MaxJTI)
	}
	d, ok := parseDigest(*c.ClaimsDigest)
	if !ok {
		return nil, invalid("claims_digest is not 32 bytes of canonical unpadded base64url")
	}
	sa.Terminal, sa.ID, sa.ClaimsDigest = *c.Iss, *c.Jti, d
	sa.IssuedAt = time.Unix(*c.Iat, 0).UTC()
	if c.Exp != nil {
		sa.Expiry = time.Unix(*c.Exp, 0).UTC()
	}
	return sa, nil
}

// verify checks the signature with the terminal's key: the header's alg
// must be the key's, and its kid, if any, the key's kid.
func (sa *signedAttestation) verify(key *keys.PublicKey) error {
	if sa.alg != key.Algorithm() {
		return refusef(CodeAttestationInvalid, -1, "alg %s, but the terminal's key is %s", sa.alg, key.Algorithm())
	}
	if sa.kid != "" && sa.kid != key.KIDString() {
		return refusef(CodeAttestationInvalid, -1, "kid %q is not the terminal's key (%s)", sa.kid, key.KIDString())
	}
	if !sa.jws.Verify(key) {
		return refusef(CodeAttestationInvalid, -1, "signature does not verify with the terminal's key")
	}
	return nil
}

// VerifyAttestation parses an attestation JWS and verifies its signature
// with key, the key of the terminal it names. It checks neither time,
// digest nor replay (Evaluate does). Errors are *Error with
// CodeAttestationInvalid.
func VerifyAttestation(s string, key *keys.PublicKey) (Attestation, error) {
	sa, err := parseAttestation(s)
	if err != nil {
		return Attestation{}, err
	}
	if err := sa.verify(key); err != nil {
		return Attestation{}, err
	}
	return sa.Attestation, nil
}

// ReplayID returns the id under which an attestation is recorded as used
// (Replay.MarkUsed): "att:" and the unpadded base64url SHA-256 of the
// terminal name, a zero byte and the jti; 47 ASCII characters. Keyed by
// terminal and jti, not by the JWS bytes, so that re-encoding a
// signature (ECDSA's s and n - s) does not make a fresh one.
func ReplayID(terminal, jti string) string {
	h := sha256.New()
	h.Write([]byte(terminal))
	h.Write([]byte{0})
	h.Write([]byte(jti))
	return "att:" + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func validJTI(s string) bool {
	if s == "" || len(s) > MaxJTI {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseDigest decodes a claims_digest: exactly 43 characters of unpadded
// base64url (the canonical encoding of 32 bytes).
func parseDigest(s string) (Digest, bool) {
	var d Digest
	if len(s) != 43 {
		return d, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != len(d) {
		return d, false
	}
	copy(d[:], b)
	return d, true
}
