package credential

import (
	"fmt"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// Limits on what a decoder accepts. A credential is a few hundred bytes; the
// limits are generous for that and small enough that no input can make a
// verifier spend real memory or time.
const (
	// MaxSize is the largest COSE_Sign1 accepted, and the cap on inflating
	// the compressed QR form.
	MaxSize = 4096
	// MaxQRTextLen is the longest QR text accepted (base45 of MaxSize plus
	// the prefix and some whitespace).
	MaxQRTextLen = 4 + MaxSize*3/2 + 64
	// maxDepth bounds the nesting of CBOR arrays and maps.
	maxDepth = 8
	// maxItems bounds the length of any CBOR array or map.
	maxItems = 64
)

// encMode writes RFC 8949 §4.2.1 Core Deterministic Encoding.
var encMode = mustEncMode()

// decMode reads strictly: duplicate keys, indefinite lengths, tags and deep
// or long structures are refused. Canonical form is checked separately by
// checkCanonical, which fxamacker/cbor does not do.
var decMode = mustDecMode()

func mustEncMode() cbor.EncMode {
	opts := cbor.CoreDetEncOptions()
	opts.IndefLength = cbor.IndefLengthForbidden
	em, err := opts.EncMode()
	if err != nil {
		panic(err)
	}
	return em
}

func mustDecMode() cbor.DecMode {
	dm, err := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		MaxNestedLevels:   maxDepth,
		MaxArrayElements:  maxItems,
		MaxMapPairs:       maxItems,
		UTF8:              cbor.UTF8RejectInvalid,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return dm
}

// checkCanonical reports whether b is exactly one well-formed CBOR data item
// in Core Deterministic Encoding (RFC 8949 §4.2.1): definite lengths,
// arguments in their shortest form, map keys in bytewise lexicographic order
// of their encodings (which also rules out duplicates), valid UTF-8 in text
// strings, no tags, no floats,
// only the simple values false, true and null, nesting at most maxDepth and
// no array or map longer than maxItems. It allocates nothing.
func checkCanonical(b []byte) error {
	n, err := canonicalItem(b, 0, 0)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(b)-n)
	}
	return nil
}

// canonicalItem checks the item at b[off:] and returns the offset after it.
func canonicalItem(b []byte, off, depth int) (int, error) {
	major, arg, next, err := head(b, off)
	if err != nil {
		return 0, err
	}
	switch major {
	case 0, 1: // unsigned and negative integers
		return next, nil
	case 2, 3: // byte and text strings
		end := next + int(arg)
		if arg > uint64(len(b)) || end > len(b) {
			return 0, fmt.Errorf("%w: string runs past the end at offset %d", ErrMalformed, off)
		}
		if major == 3 && !utf8.Valid(b[next:end]) {
			return 0, fmt.Errorf("%w: text string at offset %d is not valid UTF-8", ErrMalformed, off)
		}
		return end, nil
	case 4: // array
		if depth >= maxDepth {
			return 0, fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
		}
		if arg > maxItems {
			return 0, fmt.Errorf("%w: array of %d items (max %d)", ErrMalformed, arg, maxItems)
		}
		for i := uint64(0); i < arg; i++ {
			if next, err = canonicalItem(b, next, depth+1); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 5: // map
		if depth >= maxDepth {
			return 0, fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, maxDepth)
		}
		if arg > maxItems {
			return 0, fmt.Errorf("%w: map of %d pairs (max %d)", ErrMalformed, arg, maxItems)
		}
		prevKey := -1
		for i := uint64(0); i < arg; i++ {
			keyStart := next
			if next, err = canonicalItem(b, next, depth+1); err != nil {
				return 0, err
			}
			if prevKey >= 0 && !keyLess(b[prevKey:keyStart], b[keyStart:next]) {
				return 0, fmt.Errorf("%w: map keys duplicated or not in deterministic order at offset %d", ErrMalformed, keyStart)
			}
			prevKey = keyStart
			if next, err = canonicalItem(b, next, depth+1); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 6:
		return 0, fmt.Errorf("%w: tag %d at offset %d not allowed", ErrMalformed, arg, off)
	default: // 7: simple values and floats
		if b[off] >= 0xf4 && b[off] <= 0xf6 { // false, true, null
			return next, nil
		}
		return 0, fmt.Errorf("%w: float or simple value 0x%02x at offset %d not allowed", ErrMalformed, b[off], off)
	}
}

// keyLess reports whether encoded key a sorts strictly before encoded key b
// in bytewise lexicographic order. Both are slices of one buffer and a
// precedes b, so a's end is b's start.
func keyLess(a, b []byte) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// head decodes the initial byte and argument of the item at b[off:],
// refusing indefinite lengths, reserved values and non-shortest arguments.
func head(b []byte, off int) (major byte, arg uint64, next int, err error) {
	if off >= len(b) {
		return 0, 0, 0, fmt.Errorf("%w: truncated at offset %d", ErrMalformed, off)
	}
	ib := b[off]
	major, info := ib>>5, ib&0x1f
	next = off + 1
	switch {
	case info < 24:
		return major, uint64(info), next, nil
	case info > 27:
		return 0, 0, 0, fmt.Errorf("%w: indefinite length or reserved value 0x%02x at offset %d", ErrMalformed, ib, off)
	}
	size := 1 << (info - 24)
	if next+size > len(b) {
		return 0, 0, 0, fmt.Errorf("%w: truncated at offset %d", ErrMalformed, off)
	}
	for _, c := range b[next : next+size] {
		arg = arg<<8 | uint64(c)
	}
	next += size
	if major == 7 {
		// Floats (info 25-27) are refused by the caller; simple values
		// in two bytes must be >= 32.
		if info == 24 && arg < 32 {
			return 0, 0, 0, fmt.Errorf("%w: non-shortest simple value at offset %d", ErrMalformed, off)
		}
		return major, arg, next, nil
	}
	var min uint64
	switch info {
	case 24:
		min = 24
	case 25:
		min = 1 << 8
	case 26:
		min = 1 << 16
	case 27:
		min = 1 << 32
	}
	if arg < min {
		return 0, 0, 0, fmt.Errorf("%w: non-shortest argument at offset %d", ErrMalformed, off)
	}
	return major, arg, next, nil
}
