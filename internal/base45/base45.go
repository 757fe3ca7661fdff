// Package base45 implements the Base45 encoding of RFC 9285.
//
// Base45 turns bytes into text drawn from the 45 characters that a QR code
// can carry in alphanumeric mode ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ
// $%*+-./:"). Every 2 bytes become 3 characters; a final odd byte becomes 2.
//
// # Security
//
// Decoding is strict: it refuses characters outside the alphabet (lowercase
// included), lengths that are 1 more than a multiple of 3, triples whose
// value exceeds 65535 and final pairs whose value exceeds 255, which are the
// MUST rules of RFC 9285 section 6. With these rules the encoding is
// canonical: a string that decodes is exactly the encoding of its bytes, so
// two different strings never decode to the same bytes.
//
// # Compatibility
//
// The output of [Encode] is byte for byte that of RFC 9285 and of the Base45
// implementations used for EU Digital COVID Certificates.
package base45

import (
	"fmt"
	"slices"
)

// alphabet is the RFC 9285 table: alphabet[v] is the character for value v.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// invalid marks a byte outside the alphabet in decodeMap. Its high bit lets a
// single test catch it in any of the three characters of a group.
const invalid = 0xFF

// decodeMap maps a character to its value, or to invalid.
var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = invalid
	}
	for v := range len(alphabet) {
		m[alphabet[v]] = byte(v)
	}
	return m
}()

// EncodedLen returns the length of the Base45 encoding of n bytes.
func EncodedLen(n int) int {
	return n/2*3 + n%2*2
}

// DecodedLen returns the largest number of bytes that n characters of Base45
// can decode to. It is exact for every valid length.
func DecodedLen(n int) int {
	return n/3*2 + n%3/2
}

// Encode returns the Base45 encoding of src.
func Encode(src []byte) string {
	// A credential's encoding fits in stack, so the string is the only
	// allocation; longer inputs cost one more.
	var stack [512]byte
	return string(AppendEncode(stack[:0], src))
}

// AppendEncode appends the Base45 encoding of src to dst and returns the
// extended buffer. It allocates only when dst lacks the capacity.
func AppendEncode(dst, src []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, EncodedLen(len(src)))
	dst = dst[:n+EncodedLen(len(src))]
	out := dst[n:]
	for len(src) >= 2 && len(out) >= 3 {
		v := uint(src[0])<<8 | uint(src[1])
		out[0] = alphabet[v%45]
		v /= 45
		out[1] = alphabet[v%45]
		out[2] = alphabet[v/45]
		src, out = src[2:], out[3:]
	}
	if len(src) == 1 && len(out) >= 2 {
		v := uint(src[0])
		out[0] = alphabet[v%45]
		out[1] = alphabet[v/45]
	}
	return dst
}

// Decode returns the bytes that s encodes. On error it returns nil and an
// error wrapping [ErrInvalidCharacter], [ErrInvalidLength] or [ErrOverflow].
func Decode(s string) ([]byte, error) {
	out, err := AppendDecode(make([]byte, 0, DecodedLen(len(s))), s)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AppendDecode appends the bytes that s encodes to dst and returns the
// extended buffer. It allocates only when dst lacks the capacity, so a
// reused buffer makes it allocation-free.
//
// On error it returns dst with its original length and an error wrapping
// [ErrInvalidCharacter], [ErrInvalidLength] or [ErrOverflow]; the bytes of
// dst's spare capacity may have been overwritten. The length is checked
// first, then the groups in order, so the error names the first bad group.
func AppendDecode(dst []byte, s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return dst, fmt.Errorf("%w: %d characters leave 1 dangling at offset %d", ErrInvalidLength, len(s), len(s)-1)
	}
	n := len(dst)
	dst = slices.Grow(dst, DecodedLen(len(s)))
	dst = dst[:n+DecodedLen(len(s))]
	out := dst[n:]
	rest := s
	for len(rest) >= 3 && len(out) >= 2 {
		c, d, e := decodeMap[rest[0]], decodeMap[rest[1]], decodeMap[rest[2]]
		if (c|d|e)&0x80 != 0 {
			return dst[:n], invalidCharacter(s, len(s)-len(rest))
		}
		v := uint(c) + uint(d)*45 + uint(e)*(45*45)
		if v > 0xFFFF {
			return dst[:n], fmt.Errorf("%w: %q at offset %d is %d, more than 65535", ErrOverflow, rest[:3], len(s)-len(rest), v)
		}
		out[0], out[1] = byte(v>>8), byte(v)
		rest, out = rest[3:], out[2:]
	}
	if len(rest) == 2 && len(out) >= 1 {
		c, d := decodeMap[rest[0]], decodeMap[rest[1]]
		if (c|d)&0x80 != 0 {
			return dst[:n], invalidCharacter(s, len(s)-len(rest))
		}
		v := uint(c) + uint(d)*45
		if v > 0xFF {
			return dst[:n], fmt.Errorf("%w: final %q at offset %d is %d, more than 255", ErrOverflow, rest, len(s)-len(rest), v)
		}
		out[0] = byte(v)
	}
	return dst, nil
}

// invalidCharacter reports the first character of s at or after offset i
// that is outside the alphabet.
func invalidCharacter(s string, i int) error {
	for ; i < len(s) && decodeMap[s[i]] != invalid; i++ {
	}
	return fmt.Errorf("%w %q at offset %d", ErrInvalidCharacter, s[i:i+1], i)
}
