// Package sign signs credentials and other objects of netcred's COSE
// profile (spec/credential.md §3) through go-cose (internal/cosesign). Issuers, status list
// publishing and the vector generator use it; the verifier never imports it,
// so a verifier binary links no signing code and no go-cose.
//
// What it writes is checked with credential.ParseSized before it is
// returned: anything signed here is accepted by the lean verify path.
package sign

import (
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/cosesign"
	"github.com/netcred/netcred/status"
)

// Credential encodes the claims and signs them as a tagged COSE_Sign1 with
// protected header {alg, kid, typ: 61}. The result is at most
// credential.MaxSize bytes.
func Credential(c *credential.Claims, alg credential.Algorithm, kid []byte, signer crypto.Signer) ([]byte, error) {
	payload, err := c.MarshalCBOR()
	if err != nil {
		return nil, err
	}
	out, err := Payload(payload, credential.TypCWT, alg, kid, signer)
	if err == nil && len(out) > credential.MaxSize {
		return nil, fmt.Errorf("%w: credential of %d bytes (max %d)", credential.ErrTooLarge, len(out), credential.MaxSize)
	}
	return out, err
}

// Payload signs any payload in this profile with the given typ. The size
// limit is the caller's: status list tokens are larger than credentials.
func Payload(payload []byte, typ credential.Typ, alg credential.Algorithm, kid []byte, signer crypto.Signer) ([]byte, error) {
	coseAlg, err := alg.COSE()
	if err != nil {
		return nil, err
	}
	if len(kid) == 0 || len(kid) > credential.MaxKIDLen {
		return nil, fmt.Errorf("%w: kid of %d bytes", credential.ErrInvalidClaims, len(kid))
	}
	var t any = typ.Format
	if typ.MediaType != "" {
		t = typ.MediaType
	}
	out, err := cosesign.Sign1(payload, coseAlg, kid, t, signer)
	if errors.Is(err, cosesign.ErrKey) {
		return nil, fmt.Errorf("%w: %s: %v", credential.ErrAlgorithmMismatch, alg, err)
	}
	if err != nil {
		return nil, err
	}
	// What we sign must be what every verifier accepts.
	if _, err := credential.ParseSized(out, len(out)); err != nil {
		return nil, fmt.Errorf("sign: signed message does not parse: %w", err)
	}
	return out, nil
}

// StatusToken signs list as a Status List Token for uri, issued at iat,
// expiring after validFor, with a ttl (status.TokenPayload builds the
// claims). The signer's key must be bound to alg and named by kid.
func StatusToken(list *status.List, uri string, iat time.Time, validFor, ttl time.Duration, alg credential.Algorithm, kid []byte, signer crypto.Signer) ([]byte, error) {
	payload, err := status.TokenPayload(list, uri, iat, validFor, ttl)
	if err != nil {
		return nil, err
	}
	return Payload(payload, status.TokenTyp, alg, kid, signer)
}
