// Package sign is the holder's side of presentations
// (spec/presentation.md): it signs, with the device key a credential's
// cnf names, a presentation holding the credential, the time, the
// verifier's nonce and an audience, through go-cose. Verifiers never import
// it, so that they link no signing code.
//
// What it writes is parsed back with presentation.Parse and its signature
// checked against the credential's cnf before it is returned: a device key
// that is not the credential's is refused here, not at the gate.
package sign

import (
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
	"github.com/netcred/netcred/presentation"
	"github.com/veraison/go-cose"
)

// ErrNotHolder: the signing key is not the key in the credential's cnf, or
// the credential has no cnf.
var ErrNotHolder = errors.New("presentation/sign: the key is not the credential's holder key")

// Options are what a presentation says beside the credential.
type Options struct {
	// Now is the signing time (iat); zero means the current time.
	Now time.Time
	// Nonce is the verifier's nonce (cnonce), when it showed one: 1 to
	// presentation.MaxNonceLen bytes. nil for a verifier that shows none.
	Nonce []byte
	// Audience is the verifier the presentation is for (aud); "" for a
	// verifier that shows none (presentation.md §4).
	Audience string
}

// wireClaims is the presentation's claims set.
type wireClaims struct {
	Aud    string `cbor:"3,keyasint"`
	Iat    int64  `cbor:"6,keyasint"`
	Cnonce []byte `cbor:"39,keyasint,omitempty"`
}

// Present signs a presentation of cred (a credential's tagged COSE_Sign1
// bytes; credential.DecodeQR reads them from QR text) with the holder's device key: alg is the key's
// algorithm and signer its private key (an ed25519.PrivateKey, a P-256
// *ecdsa.PrivateKey, or a secure element's crypto.Signer). It returns the
// presentation's COSE_Sign1 bytes; presentation.EncodeQR makes its QR text.
func Present(cred []byte, alg credential.Algorithm, signer crypto.Signer, opts Options) ([]byte, error) {
	signed, err := credential.Parse(cred)
	if err != nil {
		return nil, fmt.Errorf("presentation/sign: the credential: %w", err)
	}
	claims, err := signed.Inspect()
	if err != nil {
		return nil, fmt.Errorf("presentation/sign: the credential's claims: %w", err)
	}
	holderAlg, holderPub, ok, err := claims.HolderKey()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: the credential has no cnf (issue it with a holder key)", ErrNotHolder)
	}
	if holderAlg != alg {
		return nil, fmt.Errorf("%w: the credential's holder key is %s, this key %s", ErrNotHolder, holderAlg, alg)
	}
	if len(opts.Nonce) > presentation.MaxNonceLen || opts.Nonce != nil && len(opts.Nonce) == 0 {
		return nil, fmt.Errorf("presentation/sign: nonce of %d bytes (1 to %d)", len(opts.Nonce), presentation.MaxNonceLen)
	}
	if len(opts.Audience) > presentation.MaxAudienceLen {
		return nil, fmt.Errorf("presentation/sign: audience of %d bytes (max %d)", len(opts.Audience), presentation.MaxAudienceLen)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	payload, err := cbormode.EncMode.Marshal(wireClaims{Aud: opts.Audience, Iat: now.Unix(), Cnonce: opts.Nonce})
	if err != nil {
		return nil, fmt.Errorf("presentation/sign: claims: %w", err)
	}
	coseAlg, err := alg.COSE()
	if err != nil {
		return nil, err
	}
	cs, err := cose.NewSigner(cose.Algorithm(coseAlg), signer)
	if err != nil {
		return nil, fmt.Errorf("%w: %s with %T: %v", ErrNotHolder, alg, signer.Public(), err)
	}
	msg := cose.NewSign1Message()
	msg.Headers.Protected.SetAlgorithm(cose.Algorithm(coseAlg))
	msg.Headers.Protected[int64(13)] = cbor.RawMessage(cred)
	msg.Headers.Protected[cose.HeaderLabelType] = presentation.Typ
	msg.Payload = payload
	if err := msg.Sign(rand.Reader, nil, cs); err != nil {
		return nil, fmt.Errorf("presentation/sign: %w", err)
	}
	out, err := msg.MarshalCBOR()
	if err != nil {
		return nil, fmt.Errorf("presentation/sign: encoding: %w", err)
	}
	// What we sign must be what every verifier accepts, signed by the
	// credential's holder key.
	p, err := presentation.Parse(out)
	if err != nil {
		return nil, fmt.Errorf("presentation/sign: signed presentation does not parse: %w", err)
	}
	vk, err := credential.NewVerifyKey(holderAlg, holderPub)
	if err != nil {
		return nil, err
	}
	if _, err := p.Verify(vk); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotHolder, err)
	}
	return out, nil
}
