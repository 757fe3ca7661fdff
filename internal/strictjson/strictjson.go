package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

const (
	// DefaultMaxSize is the size cap without a MaxSize option: 1 MiB.
	DefaultMaxSize = 1 << 20
	// DefaultMaxDepth is the depth cap without a MaxDepth option.
	DefaultMaxDepth = 32
	// MaxDepthLimit is the largest depth cap MaxDepth sets.
	MaxDepthLimit = 1000
)

// config holds the options of one call.
type config struct {
	maxSize        int
	maxDepth       int
	disallowUnkown bool
	disallowNull   bool
	useNumber      bool
}

// Option changes how strictly or how an input is read.
type Option func(*config)

// MaxSize caps the input at n bytes (n <= 0 means DefaultMaxSize); a larger
// input is refused with ErrTooLarge before it is parsed.
func MaxSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxSize = n
		}
	}
}

// MaxDepth caps the nesting of arrays and objects at n (n <= 0 means
// DefaultMaxDepth; at most MaxDepthLimit): a scalar document has depth 0,
// {} and [] depth 1, {"a":[]} depth 2. Deeper input is refused with
// ErrTooDeep.
func MaxDepth(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxDepth = min(n, MaxDepthLimit)
		}
	}
}

// DisallowUnknownFields refuses, with ErrUnknownMember, an object member
// that no field of the target struct is named for (exactly; a member
// that matches only when case is ignored is always refused, with
// ErrMemberCase). Members of maps, interface values, json.RawMessage and
// types with their own UnmarshalJSON are not checked.
func DisallowUnknownFields() Option { return func(c *config) { c.disallowUnkown = true } }

// DisallowNull refuses null, with ErrNull, anywhere except nested inside a
// value decoded into json.RawMessage or by a json.Unmarshaler (whose
// content those types judge); such a value itself may not be null.
func DisallowNull() Option { return func(c *config) { c.disallowNull = true } }

// UseNumber decodes numbers into interface values as json.Number, as
// json.Decoder.UseNumber does, rather than as float64.
func UseNumber() Option { return func(c *config) { c.useNumber = true } }

func newConfig(opts []Option) *config {
	c := &config{maxSize: DefaultMaxSize, maxDepth: DefaultMaxDepth}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Unmarshal checks data as the package documentation says and, when it
// passes, decodes it into v as encoding/json.Unmarshal would (v must be a
// non-nil pointer). Errors are *Error values; when a type's own decoder
// (UnmarshalJSON or UnmarshalText) refuses a value, the *Error has
// ErrValue and the path, and wraps that decoder's error too.
// Nothing is written to v when a check fails; after an ErrValue error, v
// may be partly filled, as encoding/json leaves it.
func Unmarshal(data []byte, v any, opts ...Option) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("strictjson: Unmarshal needs a non-nil pointer, got %T", v)
	}
	c := newConfig(opts)
	if err := check(data, rv.Type(), c); err != nil {
		return err
	}
	// A zero target of a type the fast decoder knows is decoded by it;
	// anything else, or anything it gives up on, by encoding/json.
	if p := planFor(rv.Type().Elem()); p != nil && rv.Elem().IsZero() && fastUnmarshal(data, p, rv.Elem(), c) {
		return nil
	}
	var err error
	if c.useNumber || c.disallowUnkown {
		dec := json.NewDecoder(bytes.NewReader(data))
		if c.useNumber {
			dec.UseNumber()
		}
		if c.disallowUnkown {
			dec.DisallowUnknownFields()
		}
		err = dec.Decode(v)
	} else {
		err = json.Unmarshal(data, v)
	}
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		path := locate(data, rv.Type(), c, int(te.Offset))
		if path == "" && te.Field != "" {
			path = "$." + te.Field
		}
		return &Error{Err: ErrType, Path: path, Offset: te.Offset, Detail: "a JSON " + te.Value + ", want " + wantWord(te.Type)}
	case errors.As(err, &se):
		// Not reached: the check refuses what encoding/json refuses.
		return &Error{Err: ErrSyntax, Offset: se.Offset, Detail: se.Error()}
	}
	return valueError(data, rv.Type(), c, err)
}

// valueError finds the value whose type's own decoder returned err, by
// decoding each such value alone, and returns an ErrValue *Error for it;
// or err as it is.
func valueError(data []byte, t reflect.Type, c *config, err error) error {
	s := &scanner{data: data, cfg: c, locateAt: -1, collect: true}
	if s.document(t) != nil {
		return err
	}
	for _, sp := range s.spans {
		v := reflect.New(sp.t)
		e := json.Unmarshal(data[sp.start:sp.end], v.Interface())
		if e != nil && e.Error() == err.Error() {
			return &Error{Err: ErrValue, Path: sp.path, Offset: int64(sp.start), Detail: err.Error(), cause: err}
		}
	}
	return err
}

// Check checks data as Unmarshal does, without decoding it and without a
// target type (so only the checks that need no Go type apply).
func Check(data []byte, opts ...Option) error {
	return check(data, nil, newConfig(opts))
}

// Read reads r to its end, at most the size cap (MaxSize) plus one byte,
// and unmarshals what it read into v; a longer input is refused with
// ErrTooLarge. An error from r is returned as it is.
func Read(r io.Reader, v any, opts ...Option) error {
	c := newConfig(opts)
	data, err := io.ReadAll(io.LimitReader(r, int64(c.maxSize)+1))
	if err != nil {
		return err
	}
	if len(data) > c.maxSize {
		return tooLarge(c.maxSize, "")
	}
	return Unmarshal(data, v, opts...)
}

func tooLarge(limit int, size string) *Error {
	if size == "" {
		size = "more than"
	}
	return &Error{Err: ErrTooLarge, Detail: fmt.Sprintf("%s %d bytes", size, limit)}
}

// check runs every check on data, for a value of type t (nil: no type).
func check(data []byte, t reflect.Type, c *config) error {
	if len(data) > c.maxSize {
		return &Error{Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, more than %d", len(data), c.maxSize)}
	}
	if err := checkEncoding(data); err != nil {
		return err
	}
	s := &scanner{data: data, cfg: c, locateAt: -1}
	return s.document(t)
}

// checkEncoding refuses byte-order marks and UTF-16 or UTF-32 text.
func checkEncoding(data []byte) error {
	for _, m := range []struct {
		mark []byte
		name string
	}{
		{[]byte{0xEF, 0xBB, 0xBF}, "UTF-8"},
		{[]byte{0x00, 0x00, 0xFE, 0xFF}, "UTF-32"},
		{[]byte{0xFF, 0xFE, 0x00, 0x00}, "UTF-32"},
		{[]byte{0xFE, 0xFF}, "UTF-16"},
		{[]byte{0xFF, 0xFE}, "UTF-16"},
	} {
		if bytes.HasPrefix(data, m.mark) {
			return &Error{Err: ErrBOM, Detail: "the input starts with a " + m.name + " byte-order mark; JSON is UTF-8 without one"}
		}
	}
	// JSON text starts with an ASCII character: a NUL among the first two
	// bytes means UTF-16 or UTF-32.
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		return &Error{Err: ErrInvalidUTF8, Detail: "the input looks like UTF-16 or UTF-32 text; JSON is UTF-8"}
	}
	return nil
}

// locate returns the path of the innermost value that ends at offset or
// spans it, or "".
func locate(data []byte, t reflect.Type, c *config, offset int) string {
	s := &scanner{data: data, cfg: c, locateAt: offset}
	s.document(t)
	return s.located
}
