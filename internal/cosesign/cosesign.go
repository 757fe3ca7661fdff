// Package cosesign writes a tagged COSE_Sign1 (RFC 9052) through go-cose,
// with protected header {1: alg, 4: kid, 16: typ} and an empty unprotected
// header. It knows nothing of netcred's types, so that credential/sign and
// the tests of credential and status (which credential/sign imports) share
// one signer. The profile's checks are credential/sign's.
//
// EdDSA, whose signatures are deterministic, takes a fast path: the
// protected header go-cose encodes for a (kid, typ) is kept, and the
// Sig_structure and the message around it are written here; the
// differential test holds the bytes to go-cose's.
package cosesign

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/veraison/go-cose"
)

// ErrKey is returned when the signer's key does not fit the algorithm.
var ErrKey = errors.New("cosesign: key does not fit the algorithm")

// algEdDSA is COSE's EdDSA (RFC 9053).
const algEdDSA = -8

// Sign1 signs payload with COSE algorithm alg (e.g. -8 EdDSA, -7 ES256).
// typ is a content-format number (uint64) or a media type (string).
func Sign1(payload []byte, alg int64, kid []byte, typ any, signer crypto.Signer) ([]byte, error) {
	if alg == algEdDSA {
		_, isEd := signer.(ed25519.PrivateKey)
		if !isEd {
			_, isEd = signer.Public().(ed25519.PublicKey)
		}
		switch typ.(type) {
		case uint64, string:
			if isEd {
				return sign1EdDSA(payload, kid, typ, signer)
			}
		}
	}
	return sign1GoCOSE(payload, alg, kid, typ, signer)
}

// sign1GoCOSE is Sign1 through go-cose.
func sign1GoCOSE(payload []byte, alg int64, kid []byte, typ any, signer crypto.Signer) ([]byte, error) {
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

// protectedKey names one encoded protected header.
type protectedKey struct {
	kid string
	typ any // uint64 or string (comparable)
}

// protectedCache holds the EdDSA protected headers encoded so far: an
// issuer has a few keys and two typs. It is emptied past maxProtected.
var (
	protectedMu    sync.Mutex
	protectedCache = map[protectedKey][]byte{}
)

const maxProtected = 64

// protectedEdDSA returns go-cose's encoding of {1: -8, 4: kid, 16: typ}
// (typ a uint64 or a string).
func protectedEdDSA(kid []byte, typ any) ([]byte, error) {
	k := protectedKey{kid: string(kid), typ: typ}
	protectedMu.Lock()
	p, ok := protectedCache[k]
	protectedMu.Unlock()
	if ok {
		return p, nil
	}
	p, err := encodeProtected(kid, typ)
	if err != nil {
		return nil, err
	}
	protectedMu.Lock()
	if len(protectedCache) >= maxProtected {
		clear(protectedCache)
	}
	protectedCache[k] = p
	protectedMu.Unlock()
	return p, nil
}

func encodeProtected(kid []byte, typ any) ([]byte, error) {
	h := cose.ProtectedHeader{}
	h.SetAlgorithm(cose.AlgorithmEdDSA)
	h[cose.HeaderLabelKeyID] = kid
	h[cose.HeaderLabelType] = typ
	p, err := h.MarshalCBOR() // a bstr wrapping the map
	if err != nil {
		return nil, fmt.Errorf("cosesign: encode the protected header: %w", err)
	}
	return p, nil
}

// sign1EdDSA is Sign1 for EdDSA without go-cose's per-message encoding:
// Sig_structure ["Signature1", protected, h”, payload] is signed, and
// the message is tag 18 [protected, {}, payload, signature].
func sign1EdDSA(payload, kid []byte, typ any, signer crypto.Signer) ([]byte, error) {
	prot, err := protectedEdDSA(kid, typ) // already a bstr
	if err != nil {
		return nil, err
	}
	tbs := make([]byte, 0, 16+len(prot)+len(payload))
	tbs = append(tbs, 0x84, 0x6a)
	tbs = append(tbs, "Signature1"...)
	tbs = append(tbs, prot...)
	tbs = append(tbs, 0x40)
	tbs = appendBstrHead(tbs, len(payload))
	tbs = append(tbs, payload...)
	var sig []byte
	if k, ok := signer.(ed25519.PrivateKey); ok {
		sig = ed25519.Sign(k, tbs)
	} else if sig, err = signer.Sign(rand.Reader, tbs, crypto.Hash(0)); err != nil {
		return nil, fmt.Errorf("cosesign: sign: %w", err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("cosesign: sign: an Ed25519 signature of %d bytes", len(sig))
	}
	out := make([]byte, 0, 16+len(prot)+len(payload)+len(sig))
	out = append(out, 0xd2, 0x84)
	out = append(out, prot...)
	out = append(out, 0xa0)
	out = appendBstrHead(out, len(payload))
	out = append(out, payload...)
	out = appendBstrHead(out, len(sig))
	return append(out, sig...), nil
}

// appendBstrHead appends the head of a byte string of n bytes, in its
// shortest form (RFC 8949 §4.2.1).
func appendBstrHead(b []byte, n int) []byte {
	switch {
	case n < 24:
		return append(b, 0x40|byte(n))
	case n <= 0xff:
		return append(b, 0x58, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0x59), uint16(n))
	case uint64(n) <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, 0x5a), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0x5b), uint64(n))
}
