// Package cosesign writes a tagged COSE_Sign1 (RFC 9052) through go-cose,
// with protected header {1: alg, 4: kid, 16: typ} and an empty unprotected
// header. It knows nothing of netcred's types, so that credential/sign and
// the tests of credential and status (which credential/sign imports) share
// one signer. The profile's checks are credential/sign's.
package cosesign

import (
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/veraison/go-cose"
)

// ErrKey is returned when the signer's key does not fit the algorithm.
var ErrKey = errors.New("cosesign: key does not fit the algorithm")

// Sign1 signs payload with COSE algorithm alg (e.g. -8 EdDSA, -7 ES256).
// typ is a content-format number (uint64) or a media type (string).
func Sign1(payload []byte, alg int64, kid []byte, typ any, signer crypto.Signer) ([]byte, error) {
	cs, err := cose.NewSigner(cose.Algorithm(alg), signer)
	if err != nil {
		return nil, fmt.Errorf("%w: alg %d with %T: %v", ErrKey, alg, signer.Public(), err)
	}
	msg := cose.NewSign1Message()
	msg.Headers.Protected.SetAlgorithm(cose.Algorithm(alg))
	msg.Headers.Protected[cose.HeaderLabelKeyID] = kid
	msg.Headers.Protected[cose.HeaderLabelType] = typ
	msg.Payload = payload
	if err := msg.Sign(rand.Reader, nil, cs); err != nil {
		return nil, fmt.Errorf("cosesign: sign: %w", err)
	}
	out, err := msg.MarshalCBOR()
	if err != nil {
		return nil, fmt.Errorf("cosesign: encode COSE_Sign1: %w", err)
	}
	return out, nil
}
