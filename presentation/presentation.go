// Package presentation reads holder-bound presentations of netcred
// credentials (spec/presentation.md): a COSE_Sign1 that the holder's device
// signs with the key in the credential's cnf claim, holding the credential
// itself in the kcwt header, the time (iat), the verifier's nonce (cnonce)
// when it showed one, and an audience (aud). It follows the key binding
// token of draft-ietf-spice-sd-cwt, without disclosures.
//
// This package parses and checks signatures and claims; it never signs, so
// that a verifier (package verifier, the WebAssembly verifier) links no
// signing code. The holder's side is package presentation/sign. The policy
// (time window, nonce, audience, replay) is package verifier's.
//
// # Security
//
// Parse trusts nothing: the credential it returns still has to be verified
// (its issuer signature, its claims), and the presentation's claims are
// reachable only through Verify, with the key the credential's cnf names.
package presentation

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictcbor"
)

// QRPrefix starts the QR text of a presentation; it names version 1 of the
// presentation format. Credentials start with credential.QRPrefix ("NC1:").
const QRPrefix = "NP1:"

// Typ is the typ header of a presentation: the media type of the SD-CWT
// key binding token.
const Typ = "application/kb+cwt"

// Limits of the profile (presentation.md §3).
const (
	// MaxSize bounds a presentation's COSE_Sign1, as credential.MaxSize
	// bounds a credential (the credential inside counts).
	MaxSize = credential.MaxSize
	// MaxAudienceLen bounds aud, in bytes.
	MaxAudienceLen = 256
	// MaxNonceLen bounds cnonce, in bytes.
	MaxNonceLen = 64
)

// Claim keys of a presentation (RFC 8392, RFC 9200 cnonce).
const (
	claimAud    = 3
	claimIat    = 6
	claimCnonce = 39
)

// Reasons: stable sub-codes of a malformed presentation, beside those of
// credential (presentation.md §6).
const (
	// ReasonHeader: the protected header is not exactly {1: alg, 13:
	// credential, 16: "application/kb+cwt"}.
	ReasonHeader = "presentation_header"
	// ReasonClaims: the presentation's claims are not {3: aud, 6: iat,
	// ?39: cnonce} within the profile's bounds.
	ReasonClaims = "presentation_claims"
)

// Errors. Parse and Verify wrap one of these, or one of package
// credential's (ErrMalformed, ErrTooLarge, ErrAlgorithmNotAllowed), with %w.
var (
	// ErrSignatureInvalid: the holder's signature does not verify with
	// the key of the credential's cnf, or the presentation's alg is not
	// that key's.
	ErrSignatureInvalid = errors.New("presentation: holder signature invalid")
)

// protectedHead is the start of every protected header: a map of three,
// label 1 (alg); then the alg value; then label 13 (kcwt).
var protectedTail = append([]byte{0x10, 0x60 | byte(len(Typ))}, Typ...)

// Presentation is a parsed presentation whose signatures have not been
// checked yet.
type Presentation struct {
	alg        credential.Algorithm
	protected  []byte
	credential []byte
	payload    []byte
	signature  []byte
}

// Claims are what the holder signed beside the credential.
type Claims struct {
	// Audience (aud) names the verifier the presentation is for; "" when
	// the verifier showed none (presentation.md §4).
	Audience string
	// IssuedAt (iat) is when the device signed, whole seconds.
	IssuedAt time.Time
	// Nonce (cnonce) is the verifier's nonce; nil when it showed none.
	Nonce []byte
}

// IsQR reports whether text is presentation QR text (starts with
// QRPrefix after leading whitespace) rather than a credential's.
func IsQR(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), QRPrefix)
}

// EncodeQR returns the QR text of a presentation's COSE_Sign1: QRPrefix
// and the body credential.md §6 defines (base45 of the bytes or of their
// DEFLATE with the same dictionary, whichever is shorter).
func EncodeQR(cose []byte) (string, error) {
	text, err := credential.EncodeQR(cose)
	if err != nil {
		return "", err
	}
	return QRPrefix + strings.TrimPrefix(text, credential.QRPrefix), nil
}

// DecodeQR returns the COSE_Sign1 bytes of presentation QR text, under the
// rules of credential.md §6 with the prefix QRPrefix.
func DecodeQR(text string) ([]byte, error) {
	if len(text) > credential.MaxQRTextLen {
		return nil, fmt.Errorf("%w: QR text of %d characters (max %d)", credential.ErrTooLarge, len(text), credential.MaxQRTextLen)
	}
	t := strings.Trim(text, " \t\r\n")
	rest, ok := strings.CutPrefix(t, QRPrefix)
	if !ok {
		return nil, malformed(credential.ReasonQRPrefix, "presentation QR text must start with %q", QRPrefix)
	}
	return credential.DecodeQR(credential.QRPrefix + rest)
}

// Parse decodes a presentation (presentation.md §3) without checking
// either signature: a tagged COSE_Sign1 of four items, whose protected
// header is exactly {1: alg, 13: credential, 16: "application/kb+cwt"},
// whose unprotected header is empty and whose signature is 64 bytes. The
// credential is parsed with credential.Parse (its own profile, strictly).
func Parse(data []byte) (*Presentation, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: presentation of %d bytes (max %d)", credential.ErrTooLarge, len(data), MaxSize)
	}
	if len(data) == 0 || data[0] != 0xd2 {
		return nil, malformed(credential.ReasonCOSEStructure, "not a tagged COSE_Sign1 (want tag 18)")
	}
	b := data[1:]
	if err := strictcbor.Check(b); err != nil {
		return nil, fmt.Errorf("%w: presentation: %w", credential.ErrMalformed, err)
	}
	major, n, off, _ := strictcbor.Head(b, 0)
	if major != 4 || n != 4 {
		return nil, malformed(credential.ReasonCOSEStructure, "COSE_Sign1 must be an array of 4")
	}
	var p Presentation
	var err error
	if p.protected, off, err = byteString(b, off, "protected header"); err != nil {
		return nil, err
	}
	if b[off]>>5 != 5 {
		return nil, malformed(credential.ReasonCOSEStructure, "unprotected header is not a map")
	}
	unprotected := off
	off, _ = strictcbor.ItemEnd(b, off)
	if b[off] == 0xf6 {
		return nil, malformed(credential.ReasonCOSEStructure, "detached payload not supported")
	}
	if p.payload, off, err = byteString(b, off, "payload"); err != nil {
		return nil, err
	}
	if p.signature, _, err = byteString(b, off, "signature"); err != nil {
		return nil, err
	}
	if b[unprotected] != 0xa0 {
		return nil, malformed(credential.ReasonCOSEUnprotected, "unprotected header must be the empty map")
	}
	if err := p.parseProtected(); err != nil {
		return nil, err
	}
	if len(p.signature) != 64 {
		return nil, fmt.Errorf("%w: signature is %d bytes, want 64", ErrSignatureInvalid, len(p.signature))
	}
	return &p, nil
}

// parseProtected checks the protected header's exact layout: 0xA3, label
// 1 and an allowed alg, label 13 and the credential, label 16 and the text
// Typ. The credential's bytes are not looked into here: the verifier checks
// them by credential.Parse's rules (spec/presentation.md §5 step 3).
func (p *Presentation) parseProtected() error {
	h := p.protected
	if len(h) < 4+len(protectedTail) || h[0] != 0xa3 || h[1] != 0x01 {
		return malformed(ReasonHeader, "protected header must be {1: alg, 13: credential, 16: %q}", Typ)
	}
	switch h[2] {
	case 0x26:
		p.alg = credential.ES256
	case 0x27:
		p.alg = credential.EdDSA
	default:
		return fmt.Errorf("%w: presentation alg must be ES256 (-7) or EdDSA (-8)", credential.ErrAlgorithmNotAllowed)
	}
	if h[3] != 0x0d || !bytes.HasSuffix(h, protectedTail) {
		return malformed(ReasonHeader, "protected header must be {1: alg, 13: credential, 16: %q}, in that order and nothing else", Typ)
	}
	p.credential = h[4 : len(h)-len(protectedTail) : len(h)-len(protectedTail)]
	return nil
}

func byteString(b []byte, off int, what string) ([]byte, int, error) {
	major, n, next, _ := strictcbor.Head(b, off)
	if major != 2 {
		return nil, 0, malformed(credential.ReasonCOSEStructure, "%s is not a byte string", what)
	}
	end := next + int(n)
	return b[next:end:end], end, nil
}

// Algorithm is the alg of the presentation's header: the holder key's.
func (p *Presentation) Algorithm() credential.Algorithm { return p.alg }

// Credential returns the bytes of the credential the presentation holds
// (the kcwt header): a tagged COSE_Sign1, not yet verified. Verify it as
// any credential; the holder key is in its cnf.
func (p *Presentation) Credential() []byte { return p.credential }

// ReplayKey identifies the presentation for a replay cache: SHA-256 of its
// protected header and payload, what the holder signed. The signature is
// left out: an ECDSA signature can be changed into another valid one
// without the key (s into n − s), the signed content cannot.
func (p *Presentation) ReplayKey() [32]byte {
	h := sha256.New()
	h.Write(p.protected)
	h.Write(p.payload)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// Verify checks the holder's signature with the key of the credential's
// cnf (holder, bound to its algorithm) and decodes the presentation's
// claims. A presentation whose alg is not the holder key's, or whose
// signature does not verify, is ErrSignatureInvalid; claims outside the
// profile are credential.ErrMalformed with reason ReasonClaims.
func (p *Presentation) Verify(holder *credential.VerifyKey) (*Claims, error) {
	if holder.Algorithm() != p.alg {
		return nil, fmt.Errorf("%w: the presentation is signed with %s, the credential's holder key is %s", ErrSignatureInvalid, p.alg, holder.Algorithm())
	}
	if err := holder.VerifySign1(p.alg, p.protected, p.payload, p.signature); err != nil {
		return nil, fmt.Errorf("%w: not signed by the credential's holder key", ErrSignatureInvalid)
	}
	return DecodeClaims(p.payload)
}

// DecodeClaims decodes a presentation's claims set (presentation.md §4):
// a canonical map of exactly aud (3, text of at most MaxAudienceLen bytes,
// "" for no particular verifier), iat (6, a NumericDate) and, optionally,
// cnonce (39, 1 to MaxNonceLen bytes). Any other claim is refused.
func DecodeClaims(b []byte) (*Claims, error) {
	if err := strictcbor.Check(b); err != nil {
		return nil, fmt.Errorf("%w: presentation claims: %w", credential.ErrMalformed, err)
	}
	major, pairs, off, _ := strictcbor.Head(b, 0)
	if major != 5 {
		return nil, malformed(ReasonClaims, "presentation claims are not a map")
	}
	var c Claims
	var hasAud, hasIat bool
	for i := uint64(0); i < pairs; i++ {
		kmaj, key, next, _ := strictcbor.Head(b, off)
		end, _ := strictcbor.ItemEnd(b, next)
		vmaj, varg, vnext, _ := strictcbor.Head(b, next)
		if kmaj != 0 {
			return nil, malformed(ReasonClaims, "presentation claim key of CBOR major type %d (only aud 3, iat 6 and cnonce 39)", kmaj)
		}
		switch key {
		case claimAud:
			s := b[vnext:end]
			if vmaj != 3 || len(s) > MaxAudienceLen || !utf8.Valid(s) {
				return nil, malformed(ReasonClaims, "aud must be text of at most %d bytes", MaxAudienceLen)
			}
			c.Audience, hasAud = string(s), true
		case claimIat:
			if vmaj != 0 || varg < 1 || varg > credential.MaxNumericDate {
				return nil, malformed(ReasonClaims, "iat must be a NumericDate from 1 to 2^62")
			}
			c.IssuedAt, hasIat = time.Unix(int64(varg), 0).UTC(), true
		case claimCnonce:
			if vmaj != 2 || varg < 1 || varg > MaxNonceLen {
				return nil, malformed(ReasonClaims, "cnonce must be 1 to %d bytes", MaxNonceLen)
			}
			c.Nonce = bytes.Clone(b[vnext:end])
		default:
			return nil, malformed(ReasonClaims, "presentation claim %d is not in the profile (only aud 3, iat 6 and cnonce 39)", key)
		}
		off = end
	}
	if !hasAud || !hasIat {
		return nil, malformed(ReasonClaims, "aud and iat are required")
	}
	return &c, nil
}

// reasonError is a credential.ErrMalformed with a stable reason, which
// credential.Reason does not know; Reason reads both.
type reasonError struct {
	reason string
	err    error
}

func (e *reasonError) Error() string { return e.err.Error() }
func (e *reasonError) Unwrap() error { return e.err }

func malformed(reason, format string, args ...any) error {
	return &reasonError{reason: reason, err: fmt.Errorf("%w: %s", credential.ErrMalformed, fmt.Sprintf(format, args...))}
}

// Reason returns the stable sub-code of a decoding error of this package
// or of package credential, or "".
func Reason(err error) string {
	var re *reasonError
	if errors.As(err, &re) {
		return re.reason
	}
	return credential.Reason(err)
}
