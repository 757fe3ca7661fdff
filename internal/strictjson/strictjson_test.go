package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	ID   string   `json:"id"`
	Tags []string `json:"tags,omitempty"`
}

type embedded struct {
	Promoted string `json:"promoted"`
}

type doc struct {
	embedded
	Name    string          `json:"name"`
	Count   int8            `json:"count"`
	Size    uint16          `json:"size"`
	Ratio   float32         `json:"ratio"`
	On      bool            `json:"on"`
	Items   []inner         `json:"items"`
	Extra   map[string]any  `json:"extra"`
	ByNum   map[int]string  `json:"by_num"`
	Raw     json.RawMessage `json:"raw"`
	When    *time.Time      `json:"when"`
	Quoted  int             `json:"quoted,string"`
	Any     any             `json:"any"`
	Ignored string          `json:"-"`
	Plain   string
}

func TestUnmarshalAccepts(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts []Option
		want doc
	}{
		{"empty object", `{}`, nil, doc{}},
		{"whitespace around", " \t\r\n{}\n ", nil, doc{}},
		{"fields", `{"name":"A","count":-128,"size":65535,"ratio":1.5,"on":true,"Plain":"p","promoted":"x"}`, nil,
			doc{Name: "A", Count: -128, Size: 65535, Ratio: 1.5, On: true, Plain: "p", embedded: embedded{"x"}}},
		{"escapes", `{"name":"\u00e9\ud83d\ude00\n\"\\\/"}`, nil, doc{Name: "é😀\n\"\\/"}},
		{"raw UTF-8", `{"name":"é😀中"}`, nil, doc{Name: "é😀中"}},
		{"U+FFFD itself", `{"name":"\ufffd�"}`, nil, doc{Name: "\ufffd\ufffd"}},
		{"nested", `{"items":[{"id":"a","tags":["x","y"]},{"id":"b"}]}`, nil, doc{Items: []inner{{"a", []string{"x", "y"}}, {ID: "b"}}}},
		{"map", `{"extra":{"a":1,"A":2}}`, nil, doc{Extra: map[string]any{"a": 1.0, "A": 2.0}}},
		{"map with UseNumber", `{"extra":{"a":1e400}}`, []Option{UseNumber()}, doc{Extra: map[string]any{"a": json.Number("1e400")}}},
		{"int map keys", `{"by_num":{"1":"a","2":"b"}}`, nil, doc{ByNum: map[int]string{1: "a", 2: "b"}}},
		{"raw message keeps nulls", `{"raw":{"a":null,"a ":[null]}}`, []Option{DisallowNull()}, doc{Raw: json.RawMessage(`{"a":null,"a ":[null]}`)}},
		{"time", `{"when":"2026-01-02T03:04:05Z"}`, nil, doc{When: ptr(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}},
		{",string field", `{"quoted":"12"}`, nil, doc{Quoted: 12}},
		{"unknown member allowed", `{"other":[1,{"x":2}]}`, nil, doc{}},
		{"null allowed by default", `{"name":null,"items":null}`, nil, doc{}},
		{"unknown fields refused but known ok", `{"name":"A","Plain":"B"}`, []Option{DisallowUnknownFields()}, doc{Name: "A", Plain: "B"}},
		{"depth exactly at the cap", `{"items":[{"tags":["x"]}]}`, []Option{MaxDepth(4)}, doc{Items: []inner{{Tags: []string{"x"}}}}},
		{"size exactly at the cap", `{"name":"A"}`, []Option{MaxSize(12)}, doc{Name: "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got doc
			if err := Unmarshal([]byte(tt.in), &got, tt.opts...); err != nil {
				t.Fatalf("Unmarshal(%s) = %v; want nil", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Unmarshal(%s) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUnmarshalRefuses(t *testing.T) {
	long := `{"name":"` + strings.Repeat("a", 100) + `"}`
	tests := []struct {
		name     string
		in       string
		opts     []Option
		wantErr  error
		wantPath string
	}{
		{"duplicate member", `{"name":"A","name":"B"}`, nil, ErrDuplicateMember, "$.name"},
		{"duplicate by escape", `{"name":"A","n\u0061me":"B"}`, nil, ErrDuplicateMember, "$.name"},
		{"duplicate in nested", `{"items":[{"id":"a"},{"id":"b","id":"c"}]}`, nil, ErrDuplicateMember, "$.items[1].id"},
		{"duplicate in a map", `{"extra":{"k":1,"k":2}}`, nil, ErrDuplicateMember, "$.extra.k"},
		{"duplicate int map key", `{"by_num":{"1":"a","01":"b"}}`, nil, ErrDuplicateMember, "$.by_num[\"01\"]"},
		{"duplicate in an ignored member", `{"other":{"k":1,"k":2}}`, nil, ErrDuplicateMember, "$.other.k"},
		{"duplicate inside raw", `{"raw":{"k":1,"k":2}}`, nil, ErrDuplicateMember, "$.raw.k"},
		{"invalid UTF-8 in a value", "{\"name\":\"a\xffb\"}", nil, ErrInvalidUTF8, "$.name"},
		{"invalid UTF-8 in a name", "{\"na\xc3me\":1}", nil, ErrInvalidUTF8, "$"},
		{"UTF-8 encoded surrogate", "{\"name\":\"\xed\xa0\x80\"}", nil, ErrInvalidUTF8, "$.name"},
		{"overlong UTF-8", "{\"name\":\"\xc0\xaf\"}", nil, ErrInvalidUTF8, "$.name"},
		{"invalid UTF-8 outside strings", "{\"name\":\xff}", nil, ErrInvalidUTF8, "$.name"},
		{"lone high surrogate", `{"name":"\ud800"}`, nil, ErrLoneSurrogate, "$.name"},
		{"lone low surrogate", `{"name":"\udc00x"}`, nil, ErrLoneSurrogate, "$.name"},
		{"high then high", `{"name":"\ud800\ud800"}`, nil, ErrLoneSurrogate, "$.name"},
		{"high then raw character", `{"name":"\ud83dx"}`, nil, ErrLoneSurrogate, "$.name"},
		{"lone surrogate in a name", `{"\uDBFF":1}`, nil, ErrLoneSurrogate, "$"},
		{"lone surrogate in an array", `{"items":[{"tags":["ok","\udfff"]}]}`, nil, ErrLoneSurrogate, "$.items[0].tags[1]"},
		{"UTF-8 BOM", "\xef\xbb\xbf{}", nil, ErrBOM, ""},
		{"UTF-16 BE BOM", "\xfe\xff\x00{\x00}", nil, ErrBOM, ""},
		{"UTF-16 LE BOM", "\xff\xfe{\x00}\x00", nil, ErrBOM, ""},
		{"UTF-16 without BOM", "{\x00}\x00", nil, ErrInvalidUTF8, ""},
		{"BOM after whitespace", " \xef\xbb\xbf{}", nil, ErrSyntax, "$"},
		{"trailing object", `{}{}`, nil, ErrTrailingData, ""},
		{"trailing garbage", "{}\n#", nil, ErrTrailingData, ""},
		{"trailing NUL", "{}\x00", nil, ErrTrailingData, ""},
		{"too large", long, []Option{MaxSize(50)}, ErrTooLarge, ""},
		{"one byte too large", `{"name":"A"}`, []Option{MaxSize(11)}, ErrTooLarge, ""},
		{"default size cap", `{"name":"` + strings.Repeat("a", DefaultMaxSize) + `"}`, nil, ErrTooLarge, ""},
		{"too deep", `{"items":[{"tags":["x"]}]}`, []Option{MaxDepth(3)}, ErrTooDeep, "$.items[0].tags"},
		{"default depth cap", `{"any":` + strings.Repeat("[", DefaultMaxDepth) + strings.Repeat("]", DefaultMaxDepth) + `}`, nil, ErrTooDeep, "$.any" + strings.Repeat("[0]", DefaultMaxDepth-1)},
		{"unknown member", `{"nmae":"A"}`, []Option{DisallowUnknownFields()}, ErrUnknownMember, "$.nmae"},
		{"unknown nested member", `{"items":[{"id":"a","ID2":1}]}`, []Option{DisallowUnknownFields()}, ErrUnknownMember, "$.items[0].ID2"},
		{"ignored member", `{"Ignored":"x"}`, []Option{DisallowUnknownFields()}, ErrUnknownMember, "$.Ignored"},
		{"member in the wrong case", `{"Name":"A"}`, nil, ErrMemberCase, "$.Name"},
		{"member in the wrong case, nested", `{"items":[{"Id":"a"}]}`, nil, ErrMemberCase, "$.items[0].Id"},
		{"Kelvin sign folds", "{\"\u212aey\":1,\"Plain\":\"\"}", nil, nil, ""},
		{"null refused", `{"name":null}`, []Option{DisallowNull()}, ErrNull, "$.name"},
		{"null in an array", `{"items":[null]}`, []Option{DisallowNull()}, ErrNull, "$.items[0]"},
		{"null raw", `{"raw":null}`, []Option{DisallowNull()}, ErrNull, "$.raw"},
		{"null in an interface", `{"any":{"a":null}}`, []Option{DisallowNull()}, ErrNull, "$.any.a"},
		{"string for an int", `{"count":"1"}`, nil, ErrType, "$.count"},
		{"int overflow", `{"count":128}`, nil, ErrType, "$.count"},
		{"fraction for an int", `{"count":1.0}`, nil, ErrType, "$.count"},
		{"exponent for an int", `{"count":1e2}`, nil, ErrType, "$.count"},
		{"negative for a uint", `{"size":-1}`, nil, ErrType, "$.size"},
		{"float32 overflow", `{"ratio":1e39}`, nil, ErrType, "$.ratio"},
		{"float64 overflow in any", `{"extra":{"a":1e400}}`, nil, ErrType, "$.extra.a"},
		{"object for a string", `{"name":{}}`, nil, ErrType, "$.name"},
		{"array for an object", `{"items":[[]]}`, nil, ErrType, "$.items[0]"},
		{"bool for a string", `{"items":[{"tags":[true]}]}`, nil, ErrType, "$.items[0].tags[0]"},
		{"top level not an object", `[]`, nil, ErrType, "$"},
		{"empty", ``, nil, ErrSyntax, "$"},
		{"only whitespace", " \n", nil, ErrSyntax, "$"},
		{"unterminated", `{"name":"A"`, nil, ErrSyntax, "$"},
		{"unterminated string", `{"name":"A`, nil, ErrSyntax, "$.name"},
		{"trailing comma", `{"name":"A",}`, nil, ErrSyntax, "$"},
		{"single quotes", `{'name':1}`, nil, ErrSyntax, "$"},
		{"raw control character", "{\"name\":\"a\tb\"}", nil, ErrSyntax, "$.name"},
		{"bad escape", `{"name":"\x41"}`, nil, ErrSyntax, "$.name"},
		{"short \\u", `{"name":"\u12"}`, nil, ErrSyntax, "$.name"},
		{"leading zero", `{"count":01}`, nil, ErrSyntax, "$.count"},
		{"plus sign", `{"count":+1}`, nil, ErrSyntax, "$.count"},
		{"bare dot", `{"ratio":1.}`, nil, ErrSyntax, "$.ratio"},
		{"NaN", `{"ratio":NaN}`, nil, ErrSyntax, "$.ratio"},
		{"truth", `{"on":tru}`, nil, ErrSyntax, "$.on"},
		{"comment", "{/* */}", nil, ErrSyntax, "$"},
		{"bad time string", `{"when":"yesterday"}`, nil, ErrValue, "$.when"},
		{"odd name path", `{"extra":{"a b":1,"a b":2}}`, nil, ErrDuplicateMember, `$.extra["a b"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got doc
			err := Unmarshal([]byte(tt.in), &got, tt.opts...)
			if tt.wantErr == nil {
				// Cases that must pass despite looking suspicious.
				if err != nil && !errors.Is(err, ErrMemberCase) {
					t.Fatalf("Unmarshal(%q) = %v; want nil or ErrMemberCase", tt.in, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Unmarshal(%q) = %v; want %v", tt.in, err, tt.wantErr)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Unmarshal(%q) = %T; want *Error", tt.in, err)
			}
			if e.Path != tt.wantPath {
				t.Errorf("Unmarshal(%q) path = %q; want %q (%v)", tt.in, e.Path, tt.wantPath, err)
			}
			if tt.wantPath != "" && !strings.Contains(err.Error(), tt.wantPath) {
				t.Errorf("message %q does not name %s", err, tt.wantPath)
			}
			if tt.wantErr != ErrValue && !reflect.DeepEqual(got, doc{}) {
				t.Errorf("Unmarshal(%q) filled %+v; want nothing", tt.in, got)
			}
		})
	}
}

// TestDuplicateNameSignsB pins the issue that motivated the package:
// encoding/json keeps the last of two members.
func TestDuplicateNameSignsB(t *testing.T) {
	in := []byte(`{"name":"A","name":"B"}`)
	var plain map[string]string
	if err := json.Unmarshal(in, &plain); err != nil || plain["name"] != "B" {
		t.Fatalf("encoding/json: %v %v; the premise changed", plain, err)
	}
	var m map[string]string
	err := Unmarshal(in, &m)
	if got, want := err.Error(), "strictjson: duplicate member at $.name: again at byte 12, first at byte 1"; got != want {
		t.Errorf("error = %q; want %q", got, want)
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\xef\xbb\xbf{}", "strictjson: byte-order mark: the input starts with a UTF-8 byte-order mark; JSON is UTF-8 without one"},
		{`{"name":"\ud800"}`, `strictjson: lone surrogate at $.name: \ud800 at byte 9 is a high surrogate with no low one after it`},
		{`{} x`, "strictjson: data after the JSON value: from byte 3"},
		{`{"count":300}`, "strictjson: wrong type at $.count: the JSON number 300, want a whole number that fits int8"},
		{`{"Name":1}`, `strictjson: member name in the wrong case at $.Name: the member is "name"`},
	}
	for _, tt := range tests {
		var d doc
		if err := Unmarshal([]byte(tt.in), &d); err == nil || err.Error() != tt.want {
			t.Errorf("Unmarshal(%q) = %v; want %q", tt.in, err, tt.want)
		}
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	var d doc
	for _, v := range []any{d, nil, (*doc)(nil)} {
		if err := Unmarshal([]byte(`{}`), v); err == nil {
			t.Errorf("Unmarshal into %T = nil; want an error", v)
		}
	}
}

// errUnmarshaler is a json.Unmarshaler whose error must come back as is.
type errUnmarshaler struct{}

var errMine = errors.New("mine")

func (*errUnmarshaler) UnmarshalJSON([]byte) error { return errMine }

func TestUnmarshalerErrorPassesThrough(t *testing.T) {
	var v struct {
		X errUnmarshaler `json:"x"`
	}
	err := Unmarshal([]byte(`{"x":1}`), &v)
	if !errors.Is(err, errMine) || !errors.Is(err, ErrValue) {
		t.Errorf("Unmarshal = %v; want %v and %v", err, errMine, ErrValue)
	}
	if got, want := err.Error(), "strictjson: invalid value at $.x: mine"; got != want {
		t.Errorf("Unmarshal = %q; want %q", got, want)
	}
}

func TestValueErrorPath(t *testing.T) {
	var d doc
	err := Unmarshal([]byte(`{"name":"A","items":[],"when":"yesterday"}`), &d)
	var e *Error
	if !errors.As(err, &e) || e.Err != ErrValue || e.Path != "$.when" {
		t.Fatalf("Unmarshal = %v; want ErrValue at $.when", err)
	}
	var pe *time.ParseError
	if !errors.As(err, &pe) {
		t.Errorf("Unmarshal = %v; want it to wrap a *time.ParseError", err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		in      string
		opts    []Option
		wantErr error
	}{
		{`{"a":[1,"x",true,null,{"b":{}}]}`, nil, nil},
		{`"just a string"`, nil, nil},
		{`12`, nil, nil},
		{`{"a":1,"a":1}`, nil, ErrDuplicateMember},
		{`{"a":null}`, []Option{DisallowNull()}, ErrNull},
		{`[1e999]`, nil, ErrType},
		{`[1e999]`, []Option{UseNumber()}, nil},
	}
	for _, tt := range tests {
		if err := Check([]byte(tt.in), tt.opts...); !errors.Is(err, tt.wantErr) {
			t.Errorf("Check(%s) = %v; want %v", tt.in, err, tt.wantErr)
		}
	}
}

func TestRead(t *testing.T) {
	var m map[string]string
	if err := Read(strings.NewReader(`{"a":"b"}`), &m); err != nil || m["a"] != "b" {
		t.Fatalf("Read = %v, %v; want map[a:b], nil", m, err)
	}
	// An endless reader stops at the cap.
	err := Read(endless{}, &m, MaxSize(1000))
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read(endless) = %v; want %v", err, ErrTooLarge)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func BenchmarkUnmarshal(b *testing.B) {
	in := []byte(`{"name":"Alice Example","count":12,"size":300,"ratio":0.5,"on":true,` +
		`"items":[{"id":"a","tags":["x","y","z"]},{"id":"b"}],"extra":{"k1":"v","k2":[1,2,3]}}`)
	b.Run("strictjson", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			var d doc
			if err := Unmarshal(in, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			var d doc
			if err := json.Unmarshal(in, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
