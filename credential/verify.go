package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// VerifyKey is a public key bound to one algorithm and decoded once, for
// verifying many signatures: crypto/ed25519 decompresses the key point on
// every call, a VerifyKey does it in NewVerifyKey. It is safe for
// concurrent use.
type VerifyKey struct {
	alg Algorithm
	pub crypto.PublicKey
	// EdDSA: the key's encoding and the negation of its point, -A; bad
	// is set when the encoding is not a point (every signature then fails,
	// as with crypto/ed25519).
	edPub  [ed25519.PublicKeySize]byte
	edNegA edwards25519.Point
	bad    bool
	// ES256.
	ec *ecdsa.PublicKey
}

// NewVerifyKey binds pub to alg: an ed25519.PublicKey for EdDSA, a P-256
// *ecdsa.PublicKey for ES256; any other pairing is ErrAlgorithmMismatch.
func NewVerifyKey(alg Algorithm, pub crypto.PublicKey) (*VerifyKey, error) {
	k := &VerifyKey{alg: alg, pub: pub}
	switch alg {
	case EdDSA:
		ed, ok := pub.(ed25519.PublicKey)
		if !ok || len(ed) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: EdDSA needs an Ed25519 key, got %T", ErrAlgorithmMismatch, pub)
		}
		copy(k.edPub[:], ed)
		A, err := new(edwards25519.Point).SetBytes(ed)
		if err != nil {
			k.bad = true
		} else {
			k.edNegA.Negate(A)
		}
	case ES256:
		ec, ok := pub.(*ecdsa.PublicKey)
		if !ok || ec.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ES256 needs a P-256 key, got %T", ErrAlgorithmMismatch, pub)
		}
		k.ec = ec
	default:
		return nil, fmt.Errorf("%w: %s", ErrAlgorithmNotAllowed, alg)
	}
	return k, nil
}

// Algorithm is the algorithm the key is bound to.
func (k *VerifyKey) Algorithm() Algorithm { return k.alg }

// PublicKey is the key as given to NewVerifyKey.
func (k *VerifyKey) PublicKey() crypto.PublicKey { return k.pub }

// VerifySignature checks the signature with pub, which must be bound to alg.
// The header's alg must equal alg (a key is never used with another
// algorithm) and the key's type must fit it. A verifier that checks many
// signatures with one key keeps a VerifyKey and calls VerifySignatureWith.
func (s *Signed) VerifySignature(alg Algorithm, pub crypto.PublicKey) error {
	if s.alg != alg {
		return fmt.Errorf("%w: header says %s, key is bound to %s", ErrAlgorithmMismatch, s.alg, alg)
	}
	k, err := NewVerifyKey(alg, pub)
	if err != nil {
		return err
	}
	return s.VerifySignatureWith(k)
}

// Verify checks the signature (see VerifySignature), that typ says
// application/cwt, and decodes the claims set.
func (s *Signed) Verify(alg Algorithm, pub crypto.PublicKey) (*Claims, error) {
	if s.alg != alg {
		return nil, fmt.Errorf("%w: header says %s, key is bound to %s", ErrAlgorithmMismatch, s.alg, alg)
	}
	k, err := NewVerifyKey(alg, pub)
	if err != nil {
		return nil, err
	}
	return s.VerifyWith(k)
}

// VerifyWith is Verify with a decoded key.
func (s *Signed) VerifyWith(k *VerifyKey) (*Claims, error) {
	if err := s.VerifySignatureWith(k); err != nil {
		return nil, err
	}
	if s.typ != TypCWT {
		return nil, fmt.Errorf("%w: typ %s, want %s (application/cwt)", ErrWrongType, s.typ, TypCWT)
	}
	var c Claims
	if err := c.UnmarshalCBOR(s.payload); err != nil {
		return nil, err
	}
	return &c, nil
}

// VerifySign1 checks signature over the COSE Sig_structure of protected
// and payload (RFC 9052 §4.4, empty external data) with k, for signed
// objects that share this package's signature rules but not its header
// profile: presentations (package presentation). alg is the algorithm
// their header names; it must be the one k is bound to.
func (k *VerifyKey) VerifySign1(alg Algorithm, protected, payload, signature []byte) error {
	if len(signature) != 64 {
		return fmt.Errorf("%w: signature is %d bytes, want 64", ErrSignatureInvalid, len(signature))
	}
	s := Signed{alg: alg, protected: protected, payload: payload, signature: signature}
	return s.VerifySignatureWith(k)
}

// sigStackSize is the message buffer kept on the stack: a typical
// credential's Sig_structure (plus R and A for EdDSA) fits.
const sigStackSize = 640

// VerifySignatureWith is VerifySignature with a decoded key.
func (s *Signed) VerifySignatureWith(k *VerifyKey) error {
	if s.alg != k.alg {
		return fmt.Errorf("%w: header says %s, key is bound to %s", ErrAlgorithmMismatch, s.alg, k.alg)
	}
	var stack [sigStackSize]byte
	buf := stack[:0]
	if n := 64 + 32 + len(s.protected) + len(s.payload); n > sigStackSize {
		buf = make([]byte, 0, n)
	}
	var ok bool
	switch k.alg {
	case EdDSA:
		// The message hashed is R || A || Sig_structure (RFC 8032 §5.1.7).
		buf = append(buf, s.signature[:32]...)
		buf = append(buf, k.edPub[:]...)
		buf = appendSigStructure(buf, s.protected, s.payload)
		ok = k.verifyEd25519(buf, s.signature)
	case ES256:
		buf = appendSigStructure(buf, s.protected, s.payload)
		ok = k.verifyES256(buf, s.signature)
	}
	if !ok {
		return ErrSignatureInvalid
	}
	return nil
}

// verifyEd25519 is crypto/ed25519's Verify with the key decoded once: the
// same cofactorless equation [S]B = R + [k]A, checked as
// [k](-A) + [S]B encoding to R, with S required canonical (S < l) and the
// top three bits of the signature clear. hram is R || A || message.
func (k *VerifyKey) verifyEd25519(hram, sig []byte) bool {
	if k.bad || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	digest := sha512.Sum512(hram)
	var kh, S edwards25519.Scalar
	if _, err := kh.SetUniformBytes(digest[:]); err != nil {
		return false
	}
	if _, err := S.SetCanonicalBytes(sig[32:]); err != nil {
		return false
	}
	var R edwards25519.Point
	R.VarTimeDoubleScalarBaseMult(&kh, &k.edNegA, &S)
	return encodesTo(&R, sig[:32])
}

// encodesTo reports whether P's encoding (RFC 8032 §5.1.2) is r. It is
// Point.Bytes compared with r, but inverts Z in variable time
// (invertVarTime), in well under half the time of the constant-time
// inversion Bytes uses: every input here is public.
func encodesTo(P *edwards25519.Point, r []byte) bool {
	X, Y, Z, _ := P.ExtendedCoordinates()
	var zInv, x, y field.Element
	invertVarTime(&zInv, Z)
	x.Multiply(X, &zInv)
	y.Multiply(Y, &zInv)
	var enc [32]byte
	copy(enc[:], y.Bytes())
	enc[31] |= byte(x.IsNegative() << 7)
	return bytes.Equal(enc[:], r)
}

// verifyES256 checks an r || s signature over msg, handing crypto/ecdsa
// the DER form it parses (no big.Int on the way).
func (k *VerifyKey) verifyES256(msg, sig []byte) bool {
	if len(sig) != 64 {
		return false
	}
	h := sha256.Sum256(msg)
	var der [72]byte
	out, ok := appendDERSignature(der[:0], sig[:32], sig[32:])
	return ok && ecdsa.VerifyASN1(k.ec, h[:], out)
}

// appendDERSignature appends SEQUENCE { INTEGER r, INTEGER s } for
// big-endian r and s of at most 32 bytes; ok is false when one is zero
// (never a valid ECDSA signature).
func appendDERSignature(dst, r, s []byte) ([]byte, bool) {
	r, s = trimZeros(r), trimZeros(s)
	if len(r) == 0 || len(s) == 0 {
		return dst, false
	}
	intLen := func(b []byte) int { return 2 + len(b) + int(b[0]>>7) }
	dst = append(dst, 0x30, byte(intLen(r)+intLen(s)))
	for _, b := range [2][]byte{r, s} {
		dst = append(dst, 0x02, byte(len(b)+int(b[0]>>7)))
		if b[0]&0x80 != 0 {
			dst = append(dst, 0)
		}
		dst = append(dst, b...)
	}
	return dst, true
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}
