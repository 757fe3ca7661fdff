package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0.5e+3`, `true`, `null`,
	`{"name":"A","name":"B"}`,
	`{"name":"A","n\u0061me":"B"}`,
	`{"name":"\ud83d\ude00","count":1,"items":[{"id":"x","tags":["a"]}]}`,
	`{"name":"\ud800"}`, `{"name":"\udc00"}`, "{\"name\":\"\xed\xa0\x80\"}", "{\"name\":\"\xff\"}",
	"\xef\xbb\xbf{}", "\xfe\xff\x00{", `{} {}`, `{"Name":1}`, `{"extra":{"a":1e400}}`,
	`{"by_num":{"1":"a","01":"b"}}`, `{"raw":{"a":null}}`, `{"quoted":"12"}`, `{"when":"2026-01-02T03:04:05Z"}`,
	`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	`{"count":128,"size":-1,"ratio":1e39}`, `{"a":[1,2,{"b":null}],"c":"\u0000"}`,
}

var fuzzErrs = []error{
	ErrSyntax, ErrDuplicateMember, ErrInvalidUTF8, ErrLoneSurrogate, ErrBOM, ErrTrailingData,
	ErrTooLarge, ErrTooDeep, ErrUnknownMember, ErrMemberCase, ErrNull, ErrType, ErrValue,
}

// FuzzUnmarshal holds strictjson to encoding/json: whatever strictjson
// accepts, encoding/json accepts and decodes to the same value; what it
// refuses is refused with an *Error and one of the sentinels; and for
// documents with none of the faults strictjson looks for (by an
// independent check built on json.Decoder), strictjson accepts.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		differential[any](t, data)
		differential[any](t, data, UseNumber())
		differential[doc](t, data)
		differential[doc](t, data, DisallowUnknownFields(), DisallowNull())
		differential[map[string]string](t, data)
		differential[[]int](t, data)

		// Completeness: a document without the faults is accepted.
		if len(data) <= DefaultMaxSize && utf8.Valid(data) && json.Valid(data) && !hasBOM(data) &&
			!surrogateEscape.Match(data) {
			dup, depth := reference(t, data)
			var v any
			floatOK := json.Unmarshal(data, &v) == nil
			err := Check(data)
			if !dup && depth <= DefaultMaxDepth && floatOK && err != nil {
				t.Fatalf("Check(%q) = %v; want nil (encoding/json accepts, no duplicates, depth %d)", data, err, depth)
			}
			if dup && !errors.Is(err, ErrDuplicateMember) && !errors.Is(err, ErrTooDeep) && !errors.Is(err, ErrType) {
				t.Fatalf("Check(%q) = %v; want ErrDuplicateMember", data, err)
			}
		}
	})
}

var surrogateEscape = regexp.MustCompile(`\\[uU][dD][89a-fA-F]`)

func hasBOM(data []byte) bool {
	return len(data) >= 2 && (data[0] == 0xEF || data[0] == 0xFE || data[0] == 0xFF || data[0] == 0 || data[1] == 0)
}

// differential checks one target type.
func differential[T any](t *testing.T, data []byte, opts ...Option) {
	t.Helper()
	var got T
	err := Unmarshal(data, &got, opts...)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			// Only a json.Unmarshaler (time.Time in doc) returns other errors.
			if reflect.TypeFor[T]() != reflect.TypeFor[doc]() {
				t.Fatalf("Unmarshal[%T](%q) = %v (%T); want an *Error", got, data, err, err)
			}
			return
		}
		known := false
		for _, s := range fuzzErrs {
			known = known || e.Err == s
		}
		if !known {
			t.Fatalf("Unmarshal[%T](%q) = %v; the sentinel is not one of the package's", got, data, err)
		}
		return
	}
	var want T
	dec := json.NewDecoder(bytes.NewReader(data))
	c := newConfig(opts)
	if c.useNumber {
		dec.UseNumber()
	}
	if c.disallowUnkown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("Unmarshal[%T](%q) accepted; encoding/json: %v", got, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("Unmarshal[%T](%q) accepted; encoding/json sees more data", got, data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Unmarshal[%T](%q) = %#v; encoding/json %#v", got, data, got, want)
	}
}

// reference reports, from json.Decoder's tokens, whether an object in
// data repeats a member and how deep data nests.
func reference(t *testing.T, data []byte) (dup bool, depth int) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object  bool
		wantKey bool
		seen    map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return dup, depth
		}
		if err != nil {
			t.Fatalf("reference(%q): %v", data, err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if tok == json.Delim('}') {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].wantKey = true
				}
				continue
			}
			name := tok.(string)
			dup = dup || top.seen[name]
			top.seen[name] = true
			top.wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, &frame{object: tok == json.Delim('{'), wantKey: tok == json.Delim('{'), seen: map[string]bool{}})
			depth = max(depth, len(stack))
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}
