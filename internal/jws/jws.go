// Package jws is netcred's lean JWS compact serialization (RFC 7515 §7.1)
// for EdDSA (RFC 8037) and ES256 (RFC 7518 §3.4) signatures, verified
// without a JOSE library: every segment must be canonical unpadded
// base64url, and a key verifies only under the one algorithm it is bound
// to. What the header and payload hold is the caller's profile (the
// terminal attestations of spec/evidence.md).
package jws

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/keys"
)

// ErrMalformed: the input is not a JWS compact serialization of canonical
// unpadded base64url segments.
var ErrMalformed = errors.New("jws: malformed JWS compact serialization")

// Compact is a JWS compact serialization split into its decoded segments.
type Compact struct {
	Header    []byte // the decoded protected header
	Payload   []byte // the decoded payload
	Signature []byte // the decoded signature
	input     []byte // the JWS Signing Input: header "." payload segments
}

var segmentNames = [3]string{"header", "payload", "signature"}

// Parse checks that compact is three segments of canonical unpadded
// base64url separated by dots, the header not empty, and decodes them. It
// verifies nothing.
func Parse(compact []byte) (*Compact, error) {
	if len(compact) > 0 && compact[0] == '{' {
		return nil, fmt.Errorf("%w: a JWS JSON serialization, not a compact one", ErrMalformed)
	}
	first := bytes.IndexByte(compact, '.')
	last := bytes.LastIndexByte(compact, '.')
	if first < 0 || first == last || bytes.IndexByte(compact[first+1:last], '.') >= 0 {
		return nil, fmt.Errorf("%w: %d dot-separated segments, want 3", ErrMalformed, bytes.Count(compact, []byte("."))+1)
	}
	if first == 0 {
		return nil, fmt.Errorf("%w: empty header", ErrMalformed)
	}
	j := &Compact{input: compact[:last:last]}
	segments := [3][]byte{compact[:first], compact[first+1 : last], compact[last+1:]}
	for i, out := range []*[]byte{&j.Header, &j.Payload, &j.Signature} {
		if !canonicalBase64URL(segments[i]) {
			return nil, fmt.Errorf("%w: the %s is not canonical unpadded base64url", ErrMalformed, segmentNames[i])
		}
		*out = make([]byte, base64.RawURLEncoding.DecodedLen(len(segments[i])))
		n, err := base64.RawURLEncoding.Decode(*out, segments[i])
		if err != nil {
			return nil, fmt.Errorf("%w: the %s: %v", ErrMalformed, segmentNames[i], err)
		}
		*out = (*out)[:n]
	}
	return j, nil
}

// canonicalBase64URL reports whether s is unpadded base64url (RFC 4648 §5)
// whose unused trailing bits are zero, so that it is the only encoding of
// its bytes.
func canonicalBase64URL(s []byte) bool {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, c := range s {
		if bytes.IndexByte([]byte(alphabet), c) < 0 {
			return false
		}
	}
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

// Verify checks the signature with key, under the one algorithm key is
// bound to: Ed25519, or ECDSA P-256 with SHA-256 and a 64-byte r || s.
// The caller checks that the header's alg names that algorithm.
func (j *Compact) Verify(key *keys.PublicKey) bool {
	switch pub := key.Key().(type) {
	case ed25519.PublicKey:
		return key.Algorithm() == credential.EdDSA && ed25519.Verify(pub, j.input, j.Signature)
	case *ecdsa.PublicKey:
		if key.Algorithm() != credential.ES256 || len(j.Signature) != 64 {
			return false
		}
		digest := sha256.Sum256(j.input)
		r := new(big.Int).SetBytes(j.Signature[:32])
		s := new(big.Int).SetBytes(j.Signature[32:])
		return ecdsa.Verify(pub, digest[:], r, s)
	}
	return false
}

// Sign returns the JWS compact serialization of header and payload signed
// with key: Ed25519, or ECDSA P-256 over SHA-256 with the signature
// written as r || s, 32 bytes each.
func Sign(header, payload []byte, key *keys.PrivateKey) ([]byte, error) {
	enc := base64.RawURLEncoding
	input := enc.AppendEncode(nil, header)
	input = append(input, '.')
	input = enc.AppendEncode(input, payload)
	var sig []byte
	switch k := key.Signer().(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, input)
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
		if err != nil {
			return nil, fmt.Errorf("jws: signing: %w", err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	default:
		return nil, fmt.Errorf("%w: %T", keys.ErrUnsupportedKeyType, k)
	}
	out := append(input, '.')
	return enc.AppendEncode(out, sig), nil
}
