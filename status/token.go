package status

import (
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/internal/strictcbor"
)

// TokenTyp is the typ header of a Status List Token.
var TokenTyp = credential.Typ{MediaType: TokenType}

// maxTokenSize bounds a token: the largest list's compressed form plus
// headers. Parse refuses more before decoding anything.
const maxTokenSize = maxEncoded + 4096

// MaxTokenSize is the largest Status List Token, in bytes (status.md §4):
// 4 264 960. Readers of tokens (files, HTTP bodies) stop at it.
const MaxTokenSize = maxTokenSize

// MaxTTL is the largest ttl claim a token may carry, in seconds (status.md
// §4): 2^33, about 272 years, the largest power of two whose seconds fit a
// time.Duration.
const MaxTTL = 1 << 33

// Token is a verified Status List Token: a list with its URI and times.
type Token struct {
	// URI is the token's sub: the uri credentials reference.
	URI string
	// IssuedAt (iat) is when the issuer signed this version of the list;
	// verifiers judge freshness by it.
	IssuedAt time.Time
	// Expiry (exp) is when the token stops being usable (required).
	Expiry time.Time
	// TTL is how long a consumer may cache it before fetching anew; zero
	// if absent.
	TTL time.Duration
	// KID is the kid of the key that signed it.
	KID []byte
	// List is the status list.
	List *List
}

// wireToken is the CWT claims set of a Status List Token as netcred
// writes it: ttl is always there (status.md §4).
type wireToken struct {
	Sub        string          `cbor:"2,keyasint"`
	Exp        int64           `cbor:"4,keyasint"`
	Iat        int64           `cbor:"6,keyasint"`
	TTL        uint64          `cbor:"65534,keyasint"`
	StatusList cbor.RawMessage `cbor:"65533,keyasint"`
}

// readToken is the claims set as read: ttl is optional in the draft, but
// must be positive when present.
type readToken struct {
	Sub        string
	Exp        int64
	Iat        int64
	TTL        *uint64
	StatusList []byte
}

// Errors of tokens.
var (
	ErrTokenMalformed = errors.New("status: malformed status list token")
	ErrTokenSignature = errors.New("status: status list token signature invalid")
)

// TokenPayload encodes the claims of a Status List Token for uri, issued at
// iat, expiring after validFor, with a ttl from a second to MaxTTL seconds, always
// written (status.md §4): the payload that credential/sign.StatusToken
// signs with TokenTyp.
func TokenPayload(list *List, uri string, iat time.Time, validFor, ttl time.Duration) ([]byte, error) {
	if uri == "" {
		return nil, fmt.Errorf("%w: empty uri", ErrTokenMalformed)
	}
	if validFor < time.Second || ttl < time.Second || ttl > MaxTTL*time.Second {
		return nil, fmt.Errorf("%w: validity %s and ttl %s", ErrTokenMalformed, validFor, ttl)
	}
	if exp := iat.Add(validFor).Unix(); iat.Unix() < 1 || exp > credential.MaxNumericDate || exp <= iat.Unix() {
		return nil, fmt.Errorf("%w: iat %d and exp %d must be NumericDates from 1 to 2^62", ErrTokenMalformed, iat.Unix(), exp)
	}
	lst, err := list.MarshalCBOR()
	if err != nil {
		return nil, err
	}
	w := wireToken{
		Sub:        uri,
		Iat:        iat.Unix(),
		Exp:        iat.Add(validFor).Unix(),
		TTL:        uint64(ttl / time.Second),
		StatusList: lst,
	}
	return encMode.Marshal(&w)
}

// KeyFinder returns the algorithm and public key that kid names, or false.
type KeyFinder func(kid []byte) (credential.Algorithm, crypto.PublicKey, bool)

// ParseToken checks a Status List Token's structure, finds its key with
// keyFor, verifies the signature, and decodes the claims and the list
// (capped as Parse caps it). It does not judge freshness: that is the
// verifier's policy.
func ParseToken(data []byte, keyFor KeyFinder) (*Token, error) {
	if len(data) > maxTokenSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(data))
	}
	signed, err := credential.ParseSized(data, maxTokenSize)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTokenMalformed, err)
	}
	if signed.Typ() != TokenTyp {
		return nil, fmt.Errorf("%w: typ %s, want %q", ErrTokenMalformed, signed.Typ(), TokenType)
	}
	alg, pub, ok := keyFor(signed.KID())
	if !ok {
		return nil, fmt.Errorf("%w: signed by kid %s, which is not a known issuer key", ErrTokenSignature, credential.KIDIssuer(signed.KID()))
	}
	if err := signed.VerifySignature(alg, pub); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTokenSignature, err)
	}
	// The claims set is held to the same strict, canonical profile as a
	// credential's (credential.md §2), the Status List inside it included.
	if err := strictcbor.Check(signed.Payload()); err != nil {
		return nil, fmt.Errorf("%w: claims: %w", ErrTokenMalformed, err)
	}
	w, err := readTokenClaims(signed.Payload())
	if err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrTokenMalformed, err)
	}
	// netcred requires exp (the draft recommends it): a token without one
	// would never stop counting as fresh.
	if w.Sub == "" || w.Iat <= 0 || w.Exp <= w.Iat || w.Exp > credential.MaxNumericDate {
		return nil, fmt.Errorf("%w: sub, iat or exp missing, exp not after iat, or a date past 2^62", ErrTokenMalformed)
	}
	var ttl uint64
	if w.TTL != nil {
		// At most MaxTTL, so that it fits a time.Duration (status.md §4).
		if ttl = *w.TTL; ttl == 0 || ttl > MaxTTL {
			return nil, fmt.Errorf("%w: ttl %d (must be from 1 to %d)", ErrTokenMalformed, ttl, uint64(MaxTTL))
		}
	}
	if len(w.StatusList) == 0 {
		return nil, fmt.Errorf("%w: no status_list claim (65533)", ErrTokenMalformed)
	}
	list, err := Parse(w.StatusList)
	if err != nil {
		return nil, err
	}
	return &Token{
		URI:      w.Sub,
		IssuedAt: time.Unix(w.Iat, 0).UTC(),
		Expiry:   time.Unix(w.Exp, 0).UTC(),
		TTL:      time.Duration(ttl) * time.Second,
		KID:      signed.KID(),
		List:     list,
	}, nil
}

// readTokenClaims reads a claims set that strictcbor.Check accepted, as
// fxamacker/cbor's strict DecMode read it into a struct with keyasint
// fields (FuzzTokenClaims holds it to that), with the CWT rules of
// credentials' claims (credential.md §4.1): claims are named by integer
// keys only (a text key, even "2", is an unknown claim and ignored, as is
// any integer key netcred does not use); a key of another kind, or a
// negative one below -2^63, is refused. sub is a text string, exp and iat
// integers in the int64 range, ttl an unsigned integer (status.md §4: a
// null ttl is refused, not taken for an absent one), and status_list any
// item, which Parse judges. A null sub, exp or iat reads as empty or zero,
// which ParseToken refuses.
func readTokenClaims(b []byte) (readToken, error) {
	var w readToken
	major, pairs, off, _ := strictcbor.Head(b, 0)
	if major != 5 {
		return w, errors.New("claims set is not a map")
	}
	for i := uint64(0); i < pairs; i++ {
		kmaj, karg, _, _ := strictcbor.Head(b, off)
		vstart, err := strictcbor.ItemEnd(b, off)
		if err != nil {
			return w, err
		}
		end, err := strictcbor.ItemEnd(b, vstart)
		if err != nil {
			return w, err
		}
		off = end
		item := b[vstart:end]
		switch {
		case kmaj == 3:
			continue
		case kmaj == 1 && karg > 1<<63-1:
			return w, errors.New("claim key below -2^63")
		case kmaj > 1:
			return w, errors.New("claim keys must be integers or text")
		case kmaj == 1:
			continue // netcred reads no negative claim key
		}
		switch karg {
		case ClaimSub:
			w.Sub, err = tokenText(item)
		case ClaimExp:
			w.Exp, err = tokenInt(item)
		case ClaimIat:
			w.Iat, err = tokenInt(item)
		case ClaimTTL:
			var ttl uint64
			if ttl, err = uintValue(item); err == nil {
				w.TTL = &ttl
			} else {
				err = errors.New("ttl is not an unsigned integer")
			}
		case ClaimStatusList:
			w.StatusList = item
		}
		if err != nil {
			return w, err
		}
	}
	return w, nil
}

// tokenText reads a text string; null reads as "".
func tokenText(item []byte) (string, error) {
	if item[0] == 0xf6 {
		return "", nil
	}
	s, err := stringValue(item, 3)
	if err != nil {
		return "", errors.New("sub is not a text string")
	}
	return string(s), nil
}

// tokenInt reads an integer in the int64 range; null reads as 0.
func tokenInt(item []byte) (int64, error) {
	major, arg, _, _ := strictcbor.Head(item, 0)
	switch {
	case item[0] == 0xf6:
		return 0, nil
	case major > 1 || arg > 1<<63-1:
		return 0, errors.New("a date is not an integer in the int64 range")
	case major == 1:
		return -1 - int64(arg), nil
	}
	return int64(arg), nil
}
