package credential

import (
	"bytes"
	"fmt"
	"sync"
)

// Protected header labels (RFC 9052 §3.1, RFC 9596) and the typ value.
const (
	headerAlg  = 1
	headerCrit = 2
	headerKID  = 4
	headerTyp  = 16
	// tagSign1 is the CBOR tag of a COSE_Sign1 message.
	tagSign1 = 18
)

// MaxKIDLen bounds a kid (spec/credential.md §3); netcred kids are 8 bytes.
const MaxKIDLen = 64

// Typ is a typ header value (RFC 9596): a CoAP Content-Format number or,
// when MediaType is set, a media type string.
type Typ struct {
	Format    uint64
	MediaType string
}

// TypCWT is the typ of a credential: CoAP Content-Format 61,
// application/cwt (RFC 8392 §9.3).
var TypCWT = Typ{Format: 61}

// String returns the media type, or the content-format number.
func (t Typ) String() string {
	if t.MediaType != "" {
		return fmt.Sprintf("%q", t.MediaType)
	}
	return fmt.Sprintf("%d", t.Format)
}

// Signed is a parsed COSE_Sign1 whose signature has not been checked yet.
// Its payload is reachable only through Verify, or through Inspect, whose
// name says it trusts nothing.
type Signed struct {
	alg       Algorithm
	kid       []byte
	typ       Typ
	protected []byte // the protected header's serialized map
	payload   []byte
	signature []byte
}

// Algorithm is the alg of the protected header (already on the allow-list).
func (s *Signed) Algorithm() Algorithm { return s.alg }

// KID is the kid of the protected header. It selects a key; it proves nothing.
func (s *Signed) KID() []byte { return s.kid }

// Typ is the typ of the protected header.
func (s *Signed) Typ() Typ { return s.typ }

// Payload returns the signed bytes without verifying them. Only status list
// tokens and tests need it; credentials go through Verify.
func (s *Signed) Payload() []byte { return s.payload }

// Parse decodes a tagged COSE_Sign1 in netcred's profile: tag 18, a
// four-element array, a protected header with alg (EdDSA or ES256), kid and
// typ and nothing else, an empty unprotected header, an attached payload and
// a signature of the algorithm's size. It does not verify the signature.
//
// The checks run in the order of spec/credential.md §3.1, and the first
// that fails decides the error: size, structure, unprotected header,
// protected header labels, alg, kid, typ, signature length.
func Parse(data []byte) (*Signed, error) {
	return ParseSized(data, MaxSize)
}

// ParseSized is Parse with another size limit, for signed objects of this
// profile that are larger than credentials: status list tokens.
func ParseSized(data []byte, maxSize int) (*Signed, error) {
	if len(data) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes (max %d)", ErrTooLarge, len(data), maxSize)
	}
	if len(data) == 0 || data[0] != 0xc0|tagSign1 {
		return nil, malformed(ReasonCOSEStructure, "not a tagged COSE_Sign1 (want tag 18)")
	}
	b := data[1:]
	if err := checkCanonical(b); err != nil {
		return nil, fmt.Errorf("cose: %w", err)
	}
	// checkCanonical proved b well formed, so the reads below cannot run
	// past the end; they only check each item's type.
	major, n, off, _ := head(b, 0)
	if major != 4 || n != 4 {
		return nil, malformed(ReasonCOSEStructure, "COSE_Sign1 must be an array of 4")
	}
	var s Signed
	var err error
	if s.protected, off, err = byteString(b, off, "protected header"); err != nil {
		return nil, err
	}
	unprotected := off
	if b[off]>>5 != 5 {
		return nil, malformed(ReasonCOSEStructure, "unprotected header is not a map")
	}
	if off, err = itemEnd(b, off); err != nil {
		return nil, err
	}
	if b[off] == 0xf6 {
		return nil, malformed(ReasonCOSEStructure, "detached payload not supported")
	}
	if s.payload, off, err = byteString(b, off, "payload"); err != nil {
		return nil, err
	}
	if s.signature, _, err = byteString(b, off, "signature"); err != nil {
		return nil, err
	}
	if b[unprotected] != 0xa0 {
		return nil, malformed(ReasonCOSEUnprotected, "unprotected header must be the empty map: nothing outside the signature may steer verification")
	}
	if err := s.parseProtected(); err != nil {
		return nil, err
	}
	if len(s.signature) != 64 { // both EdDSA and ES256 (r||s) are 64 bytes
		return nil, fmt.Errorf("%w: signature is %d bytes, want 64 for %s", ErrSignatureInvalid, len(s.signature), s.alg)
	}
	return &s, nil
}

// byteString reads a byte string at b[off:] of a canonical buffer.
func byteString(b []byte, off int, what string) ([]byte, int, error) {
	major, n, next, _ := head(b, off)
	if major != 2 {
		return nil, 0, malformed(ReasonCOSEStructure, "%s is not a byte string", what)
	}
	end := next + int(n)
	return b[next:end:end], end, nil
}

// parseProtected reads the protected header map {1: alg, 4: kid, 16: typ}
// in the order of credential.md §3.1: first the map itself and its label
// set (any label other than 1, 4 and 16, crit included, is malformed: a
// verifier must not skip a parameter that could change the meaning of what
// was signed), then alg, then kid, then typ, each missing or bad.
func (s *Signed) parseProtected() error {
	p := s.protected
	if len(p) == 0 { // RFC 9052's shorthand for no protected parameters
		return malformed(ReasonCOSEHeader, "protected header is empty; alg, kid and typ are required")
	}
	if err := checkCanonical(p); err != nil {
		return fmt.Errorf("protected header: %w", err)
	}
	major, pairs, off, _ := head(p, 0)
	if major != 5 {
		return malformed(ReasonCOSEHeader, "protected header is not a map")
	}
	// Pass 1: the labels. Keys are in canonical order, so 1 < 2 < 4 < 16
	// and each appears at most once.
	var alg, kid, typ = -1, -1, -1 // value offsets
	for i := uint64(0); i < pairs; i++ {
		kmaj, label, next, _ := head(p, off)
		if kmaj != 0 {
			return malformed(ReasonCOSEHeader, "protected header label of CBOR major type %d not allowed in this profile", kmaj)
		}
		switch label {
		case headerAlg:
			alg = next
		case headerKID:
			kid = next
		case headerTyp:
			typ = next
		case headerCrit:
			return malformed(ReasonCOSEHeader, "crit parameters are not supported")
		default:
			return malformed(ReasonCOSEHeader, "protected header label %d not allowed in this profile", label)
		}
		off, _ = itemEnd(p, next)
	}
	// Pass 2: alg.
	if alg < 0 {
		return fmt.Errorf("%w: alg missing (alg none is never accepted)", ErrAlgorithmNotAllowed)
	}
	vmaj, val, _, _ := head(p, alg)
	if vmaj != 1 { // every allowed alg is a negative integer
		return fmt.Errorf("%w: alg must be EdDSA (-8) or ES256 (-7)", ErrAlgorithmNotAllowed)
	}
	var a Algorithm
	ok := false
	if val < 1<<16 {
		a, ok = algorithmFromCOSE(-1 - int64(val))
	}
	if !ok {
		return fmt.Errorf("%w: alg -1-%d", ErrAlgorithmNotAllowed, val)
	}
	s.alg = a
	// Pass 3: kid.
	if kid < 0 {
		return malformed(ReasonCOSEHeader, "kid missing")
	}
	if vmaj, _, _, _ := head(p, kid); vmaj != 2 {
		return malformed(ReasonCOSEHeader, "kid is not a byte string")
	}
	s.kid, _, _ = byteString(p, kid, "kid")
	if len(s.kid) == 0 || len(s.kid) > MaxKIDLen {
		return malformed(ReasonCOSEHeader, "kid of %d bytes (want 1 to %d)", len(s.kid), MaxKIDLen)
	}
	// Pass 4: typ.
	if typ < 0 {
		return fmt.Errorf("%w: typ missing", ErrWrongType)
	}
	vmaj, val, vnext, _ := head(p, typ)
	switch {
	case vmaj == 0:
		s.typ = Typ{Format: val}
	case vmaj == 3 && isMediaType(p[vnext:vnext+int(val)]):
		s.typ = Typ{MediaType: string(p[vnext : vnext+int(val)])}
	default:
		return fmt.Errorf("%w: typ must be a content-format number or a media type (type/subtype)", ErrWrongType)
	}
	return nil
}

// isMediaType is the check RFC 9596 typ text gets here and in go-cose:
// non-empty, no leading or trailing space, exactly one "/".
func isMediaType(b []byte) bool {
	return len(b) > 0 && b[0] != ' ' && b[len(b)-1] != ' ' && bytes.Count(b, []byte{'/'}) == 1
}

// sigBufPool holds Sig_structure buffers; a credential is at most MaxSize.
var sigBufPool = sync.Pool{New: func() any { b := make([]byte, 0, MaxSize+64); return &b }}

// appendSigStructure appends the COSE Sig_structure (RFC 9052 §4.4)
// ["Signature1", protected, h”, payload] to dst.
func appendSigStructure(dst, protected, payload []byte) []byte {
	dst = append(dst, 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1')
	dst = appendBstrHead(dst, len(protected))
	dst = append(dst, protected...)
	dst = append(dst, 0x40)
	dst = appendBstrHead(dst, len(payload))
	return append(dst, payload...)
}

func appendBstrHead(dst []byte, n int) []byte {
	switch {
	case n < 24:
		return append(dst, 0x40|byte(n))
	case n < 1<<8:
		return append(dst, 0x58, byte(n))
	case n < 1<<16:
		return append(dst, 0x59, byte(n>>8), byte(n))
	default: // status list tokens may be larger than 64 KiB
		return append(dst, 0x5a, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

// Inspect decodes the claims without checking the signature. The result
// proves nothing about who wrote it; use it to show a credential, never to
// accept one.
func (s *Signed) Inspect() (*Claims, error) {
	var c Claims
	if err := c.UnmarshalCBOR(s.payload); err != nil {
		return nil, err
	}
	return &c, nil
}
