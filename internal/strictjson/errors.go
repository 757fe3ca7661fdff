package strictjson

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error strictjson finds in an input is an [*Error]
// wrapping one of these; test with errors.Is.
var (
	// ErrSyntax: the input is not JSON (RFC 8259), or is empty.
	ErrSyntax = errors.New("strictjson: syntax error")
	// ErrDuplicateMember: an object has two members of one name (compared
	// after unescaping).
	ErrDuplicateMember = errors.New("strictjson: duplicate member")
	// ErrInvalidUTF8: the input holds bytes that are not UTF-8, or is
	// UTF-16 or UTF-32 text.
	ErrInvalidUTF8 = errors.New("strictjson: invalid UTF-8")
	// ErrLoneSurrogate: a \uXXXX escape of a UTF-16 surrogate (D800-DFFF)
	// that is not a high surrogate followed by an escaped low one.
	ErrLoneSurrogate = errors.New("strictjson: lone surrogate")
	// ErrBOM: the input starts with a byte-order mark.
	ErrBOM = errors.New("strictjson: byte-order mark")
	// ErrTrailingData: something other than whitespace follows the value.
	ErrTrailingData = errors.New("strictjson: data after the JSON value")
	// ErrTooLarge: the input is over the size cap.
	ErrTooLarge = errors.New("strictjson: input too large")
	// ErrTooDeep: arrays and objects are nested deeper than the depth cap.
	ErrTooDeep = errors.New("strictjson: nested too deep")
	// ErrUnknownMember: with DisallowUnknownFields, a member that no field
	// of the target struct is named for.
	ErrUnknownMember = errors.New("strictjson: unknown member")
	// ErrMemberCase: a member name that matches a field of the target
	// struct only when case is ignored.
	ErrMemberCase = errors.New("strictjson: member name in the wrong case")
	// ErrNull: with DisallowNull, a null value.
	ErrNull = errors.New("strictjson: null not allowed")
	// ErrType: a JSON value of the wrong kind for its Go target, or a
	// number that does not fit it.
	ErrType = errors.New("strictjson: wrong type")
	// ErrValue: a value that its Go type's own decoder (UnmarshalJSON or
	// UnmarshalText) refused; the *Error wraps that decoder's error too.
	ErrValue = errors.New("strictjson: invalid value")
)

// Error is an input strictjson refuses: which rule (Err, a sentinel), where
// (Path and Offset) and what exactly (Detail). Its message reads, for
// example,
//
//	strictjson: duplicate member at $.name: second at byte 13
type Error struct {
	// Err is one of the sentinel errors.
	Err error
	// Path is the JSON path of the value or member concerned: "$" for the
	// whole document, then .name or ["odd name"] per member and [i] per
	// array element, as in $.issuers[0].keys[1]. It is empty when no value
	// is concerned (a size or byte-order-mark error).
	Path string
	// Offset is the byte offset in the input where the problem was found.
	Offset int64
	// Detail says more, or is empty.
	Detail string
	// cause is the error of a type's own decoder (ErrValue).
	cause error
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Err.Error()
	if e.Path != "" {
		s += " at " + e.Path
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel and, for ErrValue, the error of the type's
// own decoder.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// byteAt formats an offset for a Detail.
func byteAt(off int) string { return "byte " + strconv.Itoa(off) }
