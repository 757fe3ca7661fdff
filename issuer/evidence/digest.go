package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/netcred/netcred/internal/strictjson"
	"github.com/netcred/netcred/schemas"
)

// Digest is the SHA-256 digest of a request's claims in their RFC 8785
// (JCS) canonical form (spec/evidence.md §4). An attestation covers it.
type Digest [sha256.Size]byte

// String returns the digest as an attestation's claims_digest carries it:
// unpadded base64url, 43 characters.
func (d Digest) String() string { return base64.RawURLEncoding.EncodeToString(d[:]) }

// maxExactInt is 2^53 - 1, the largest integer that every IEEE 754 double
// reader holds exactly (RFC 7493 §2.2).
const maxExactInt = 1<<53 - 1

// ClaimsDigest returns the digest of a claims object, given as JSON: the
// SHA-256 of its RFC 8785 canonical form. The JSON is read strictly (one
// object; no duplicate members, invalid UTF-8 or lone surrogates; at most
// schemas.MaxClaimsJSONSize bytes), and an integral number whose magnitude
// is beyond 2^53 - 1 is refused: RFC 8785 holds numbers as IEEE 754
// doubles, so two such claims could share one digest. Errors wrap
// ErrClaims.
func ClaimsDigest(claims []byte) (Digest, error) {
	canon, err := Canonical(claims)
	if err != nil {
		return Digest{}, err
	}
	return sha256.Sum256(canon), nil
}

// Canonical returns the RFC 8785 canonical form of a claims object, as
// ClaimsDigest digests it.
func Canonical(claims []byte) ([]byte, error) {
	if err := strictjson.Check(claims, strictjson.MaxSize(schemas.MaxClaimsJSONSize)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClaims, err)
	}
	d := json.NewDecoder(bytes.NewReader(claims))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrClaims, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%w: the claims are not a JSON object", ErrClaims)
	}
	return appendJCS(nil, v, "$", true)
}

// appendJCS appends the RFC 8785 serialization of v, a value decoded with
// UseNumber, to b. With exactInts, an integral number beyond 2^53 - 1 in
// magnitude is refused.
func appendJCS(b []byte, v any, path string, exactInts bool) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendJCSString(b, x), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%w: number %s at %s is out of the IEEE 754 double range", ErrClaims, x, path)
		}
		if exactInts && f == math.Trunc(f) && math.Abs(f) > maxExactInt {
			return nil, fmt.Errorf("%w: integer %s at %s is beyond 2^53 - 1: write it as a string", ErrClaims, x, path)
		}
		return appendJCSNumber(b, f), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJCS(b, e, path+"["+strconv.Itoa(i)+"]", exactInts); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		// RFC 8785 §3.2.3: members sorted by their names as UTF-16 code units.
		slices.SortFunc(names, func(a, b string) int { return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b))) })
		b = append(b, '{')
		for i, k := range names {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJCSString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendJCS(b, x[k], path+"."+k, exactInts); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("%w: unexpected value at %s", ErrClaims, path)
}

// appendJCSString appends s as RFC 8785 §3.2.2.2 writes strings (as
// ECMAScript's JSON.stringify does): the two-character escapes for ", \,
// backspace, tab, newline, form feed and carriage return, \u00xx in lower
// case for the other controls, everything else as UTF-8.
func appendJCSString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendJCSNumber appends f as ECMAScript's Number.prototype.toString
// writes it (RFC 8785 §3.2.2.3): the shortest digits that round-trip,
// plain from 1e-6 up to 1e21, in exponent form outside.
func appendJCSNumber(b []byte, f float64) []byte {
	if f == 0 {
		return append(b, '0') // also -0
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	// "d.dddde±XX": the shortest round-trip digits and the exponent.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k, n := len(digits), x+1 // value = digits × 10^(n-k)
	switch {
	case k <= n && n <= 21:
		b = append(b, digits...)
		for range n - k {
			b = append(b, '0')
		}
	case 0 < n && n <= 21:
		b = append(b, digits[:n]...)
		b = append(b, '.')
		b = append(b, digits[n:]...)
	case -6 < n && n <= 0:
		b = append(b, '0', '.')
		for range -n {
			b = append(b, '0')
		}
		b = append(b, digits...)
	default:
		b = append(b, digits[0])
		if k > 1 {
			b = append(b, '.')
			b = append(b, digits[1:]...)
		}
		b = append(b, 'e')
		if n-1 >= 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, int64(n-1), 10)
	}
	return b
}
