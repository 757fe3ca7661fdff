package bundle

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// The bundle's JWS profile (spec/bundle.md §2): a compact serialization,
// EdDSA or ES256, verified here without a JOSE library. A differential
// fuzz target (FuzzVerifyCompactAgainstGoJose) holds it to go-jose's
// ParseSigned and Verify.

// compactJWS is a JWS compact serialization split into its segments, each
// checked to be canonical unpadded base64url.
type compactJWS struct {
	header    []byte // decoded protected header
	payload   []byte // decoded payload
	signature []byte // decoded signature
	input     []byte // the JWS Signing Input: header "." payload segments
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
	first := bytes.IndexByte(compact, '.')
	last := bytes.LastIndexByte(compact, '.')
	if first < 0 || first == last || bytes.IndexByte(compact[first+1:last], '.') >= 0 {
		return nil, fmt.Errorf("%w: not a JWS compact serialization (%d dot-separated segments, want 3)", ErrMalformed, bytes.Count(compact, []byte("."))+1)
	}
	if first == 0 {
		return nil, fmt.Errorf("%w: empty JWS header", ErrMalformed)
	}
	j := &compactJWS{input: compact[:last]}
	segments := [3][]byte{compact[:first], compact[first+1 : last], compact[last+1:]}
	for i, out := range []*[]byte{&j.header, &j.payload, &j.signature} {
		if !canonicalBase64URL(segments[i]) {
			return nil, fmt.Errorf("%w: JWS %s is not canonical unpadded base64url", ErrMalformed, [3]string{"header", "payload", "signature"}[i])
		}
		*out = make([]byte, base64.RawURLEncoding.DecodedLen(len(segments[i])))
		n, err := base64.RawURLEncoding.Decode(*out, segments[i])
		if err != nil {
			return nil, fmt.Errorf("%w: JWS %s: %v", ErrMalformed, [3]string{"header", "payload", "signature"}[i], err)
		}
		*out = (*out)[:n]
	}
	return j, nil
}

// canonicalBase64URL reports whether s is unpadded base64url (RFC 4648 §5)
// whose unused trailing bits are zero, so that it is the only encoding of
// its bytes.
func canonicalBase64URL(s []byte) bool {
	for _, c := range s {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	switch len(s) % 4 {
	case 1:
		return false
	case 2:
		return bytes.IndexByte([]byte(alphabet), s[len(s)-1])&0x0f == 0
	case 3:
		return bytes.IndexByte([]byte(alphabet), s[len(s)-1])&0x03 == 0
	}
	return true
}

// verify checks the signature with key, under the one algorithm key is
// bound to: Ed25519 (RFC 8037) or ECDSA P-256 with SHA-256 and a 64-byte
// r || s (RFC 7518 §3.4).
func (j *compactJWS) verify(key *keys.PublicKey) bool {
	switch pub := key.Key().(type) {
	case ed25519.PublicKey:
		return key.Algorithm() == credential.EdDSA && ed25519.Verify(pub, j.input, j.signature)
	case *ecdsa.PublicKey:
		if key.Algorithm() != credential.ES256 || len(j.signature) != 64 {
			return false
		}
		digest := sha256.Sum256(j.input)
		r := new(big.Int).SetBytes(j.signature[:32])
		s := new(big.Int).SetBytes(j.signature[32:])
		return ecdsa.Verify(pub, digest[:], r, s)
	}
	return false
}
