// Package strictcbor is netcred's one strict CBOR reading mode, shared by
// credentials, status list tokens and (later) presentations: a canonical
// check that allocates nothing (Check), the low-level readers the lean
// decoders build on (Head, LooseHead, ItemEnd), and Value, which decodes an
// item the way fxamacker/cbor decodes into an interface. It does not import
// fxamacker/cbor (a browser verifier must not link it): the library's modes
// for encoding live in the subpackage cbormode, and the fuzz tests hold
// these readers to it.
//
// The rules are those of spec/credential.md §2: Core Deterministic Encoding
// (RFC 8949 §4.2.1), no duplicate keys, no tags, no floats, only the simple
// values false, true and null, valid UTF-8, nesting at most MaxDepth and no
// array or map of more than MaxItems entries, nothing after the item.
//
// Every error is an *Error whose Reason is one of the stable sub-codes of
// credential.md §11, so that a caller (and a conformance vector) can tell
// which rule an input broke.
package strictcbor

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

const (
	// MaxDepth bounds the nesting of arrays and maps. The top-level item
	// is at depth 1, an item inside it at depth 2, and so on: an array or
	// map at depth MaxDepth is accepted, one at depth MaxDepth+1 is not.
	// Scalars do not count (so [[1]] has depth 2).
	MaxDepth = 8
	// MaxItems bounds the entries of one array, or the pairs of one map.
	MaxItems = 64
)

// Reasons: the stable sub-codes of a refused input (credential.md §11).
const (
	ReasonTruncated     = "cbor_truncated"
	ReasonTrailingBytes = "cbor_trailing_bytes"
	ReasonIndefinite    = "cbor_indefinite_length"
	ReasonNonShortest   = "cbor_non_shortest"
	ReasonKeyOrder      = "cbor_key_order"
	ReasonDuplicateKey  = "cbor_duplicate_key"
	ReasonDepth         = "cbor_depth"
	ReasonTooManyItems  = "cbor_too_many_items"
	ReasonTag           = "cbor_tag"
	ReasonFloatOrSimple = "cbor_float_or_simple"
	ReasonInvalidUTF8   = "cbor_utf8"
)

// Error is a refused input: which rule (Reason) and where (Offset).
type Error struct {
	Reason string
	Offset int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("cbor: %s at offset %d (%s)", e.Msg, e.Offset, e.Reason)
}

// ErrInvalid is what every *Error matches with errors.Is.
var ErrInvalid = errors.New("strictcbor: invalid CBOR")

// Is makes errors.Is(err, ErrInvalid) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func fail(reason string, off int, format string, args ...any) error {
	return &Error{Reason: reason, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Reason returns the reason of the *Error in err's chain, or "".
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Check reports whether b is exactly one well-formed data item that follows
// every rule of the package doc. It allocates nothing on success.
func Check(b []byte) error {
	n, err := item(b, 0, 1)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fail(ReasonTrailingBytes, n, "%d bytes after the item", len(b)-n)
	}
	return nil
}

// item checks the item at b[off:], an item at nesting depth depth, and
// returns the offset after it.
func item(b []byte, off, depth int) (int, error) {
	major, arg, next, err := Head(b, off)
	if err != nil {
		return 0, err
	}
	switch major {
	case 0, 1: // unsigned and negative integers
		return next, nil
	case 2, 3: // byte and text strings
		if arg > uint64(len(b)-next) {
			return 0, fail(ReasonTruncated, off, "string runs past the end")
		}
		end := next + int(arg)
		if major == 3 && !utf8.Valid(b[next:end]) {
			return 0, fail(ReasonInvalidUTF8, off, "text string is not valid UTF-8")
		}
		return end, nil
	case 4, 5: // arrays and maps
		if depth > MaxDepth {
			return 0, fail(ReasonDepth, off, "nesting deeper than %d", MaxDepth)
		}
		if arg > MaxItems {
			return 0, fail(ReasonTooManyItems, off, "%d entries (max %d)", arg, MaxItems)
		}
		if major == 4 {
			for i := uint64(0); i < arg; i++ {
				if next, err = item(b, next, depth+1); err != nil {
					return 0, err
				}
			}
			return next, nil
		}
		prevKey, prevEnd := -1, -1
		for i := uint64(0); i < arg; i++ {
			keyStart := next
			if next, err = item(b, next, depth+1); err != nil {
				return 0, err
			}
			if prevKey >= 0 {
				if c := compareKeys(b[prevKey:prevEnd], b[keyStart:next]); c == 0 {
					return 0, fail(ReasonDuplicateKey, keyStart, "duplicate map key")
				} else if c > 0 {
					return 0, fail(ReasonKeyOrder, keyStart, "map keys not in deterministic order")
				}
			}
			prevKey, prevEnd = keyStart, next
			if next, err = item(b, next, depth+1); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 6:
		return 0, fail(ReasonTag, off, "tag %d not allowed", arg)
	default: // 7: simple values and floats
		if b[off] >= 0xf4 && b[off] <= 0xf6 { // false, true, null
			return next, nil
		}
		return 0, fail(ReasonFloatOrSimple, off, "float or simple value 0x%02x not allowed", b[off])
	}
}

// compareKeys compares two encoded keys in bytewise lexicographic order.
func compareKeys(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// Head decodes the initial byte and argument of the item at b[off:],
// refusing indefinite lengths, reserved values and non-shortest arguments.
// For a string it does not check that the content fits in b.
func Head(b []byte, off int) (major byte, arg uint64, next int, err error) {
	major, arg, next, err = LooseHead(b, off)
	if err != nil {
		return 0, 0, 0, err
	}
	info := b[off] & 0x1f
	if info < 24 {
		return major, arg, next, nil
	}
	if major == 7 {
		// Floats (info 25-27) are refused by the caller; simple values
		// in two bytes must be >= 32.
		if info == 24 && arg < 32 {
			return 0, 0, 0, fail(ReasonNonShortest, off, "non-shortest simple value")
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
		return 0, 0, 0, fail(ReasonNonShortest, off, "non-shortest argument")
	}
	return major, arg, next, nil
}

// ItemEnd returns the offset just after the item at b[off:], for a buffer
// that Check accepted: it skips without checking order or UTF-8 again, but
// never runs past the end of b.
func ItemEnd(b []byte, off int) (int, error) {
	return itemEnd(b, off, 1)
}

func itemEnd(b []byte, off, depth int) (int, error) {
	major, arg, next, err := Head(b, off)
	if err != nil {
		return 0, err
	}
	switch major {
	case 2, 3:
		if arg > uint64(len(b)-next) {
			return 0, fail(ReasonTruncated, off, "string runs past the end")
		}
		return next + int(arg), nil
	case 4, 5:
		if depth > MaxDepth {
			return 0, fail(ReasonDepth, off, "nesting deeper than %d", MaxDepth)
		}
		if arg > MaxItems {
			return 0, fail(ReasonTooManyItems, off, "%d entries (max %d)", arg, MaxItems)
		}
		n := arg
		if major == 5 {
			n *= 2
		}
		for i := uint64(0); i < n; i++ {
			if next, err = itemEnd(b, next, depth+1); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 6:
		return 0, fail(ReasonTag, off, "tag %d not allowed", arg)
	}
	return next, nil
}
