package bundle

import (
	"bytes"
	"fmt"

	"github.com/netcred/netcred/internal/jws"
	"github.com/netcred/netcred/keys"
)

// The bundle's JWS profile (spec/bundle.md §2): a compact serialization,
// EdDSA or ES256, verified by internal/jws without a JOSE library. A
// differential fuzz target (FuzzVerifyCompactAgainstGoJose) holds it to
// go-jose's ParseSigned and Verify.

// compactJWS is a JWS compact serialization split into its segments, each
// checked to be canonical unpadded base64url.
type compactJWS struct {
	header    []byte // decoded protected header
	payload   []byte // decoded payload
	signature []byte // decoded signature
	jws       *jws.Compact
}

// parseCompact checks that compact is three segments of canonical
// unpadded base64url separated by dots, the first not empty, and decodes
// them. An empty payload or signature is left for the later checks to
// refuse.
func parseCompact(compact []byte) (*compactJWS, error) {
	if bytes.HasPrefix(compact, byteOrderMark) {
		return nil, fmt.Errorf("%w: starts with a byte-order mark (U+FEFF); a bundle is ASCII, surrounded by whitespace at most", ErrMalformed)
	}
	if len(compact) > 0 && compact[0] == '{' {
		return nil, fmt.Errorf("%w: a JWS JSON serialization; a bundle is a JWS compact serialization", ErrMalformed)
	}
	j, err := jws.Parse(compact)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return &compactJWS{header: j.Header, payload: j.Payload, signature: j.Signature, jws: j}, nil
}

// verify checks the signature with key, under the one algorithm key is
// bound to: Ed25519 (RFC 8037) or ECDSA P-256 with SHA-256 and a 64-byte
// r || s (RFC 7518 §3.4).
func (j *compactJWS) verify(key *keys.PublicKey) bool { return j.jws.Verify(key) }
