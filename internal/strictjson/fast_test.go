package strictjson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fastDoc is a target of only the kinds the fast decoder knows.
type fastDoc struct {
	Type     *string           `json:"type"`
	Level    *string           `json:"level,omitempty"`
	Claims   json.RawMessage   `json:"claims"`
	Evidence []json.RawMessage `json:"evidence"`
	Score    *float64          `json:"score"`
	Live     *bool             `json:"liveness"`
	Small    int8              `json:"small"`
	Port     uint16            `json:"port"`
	Ratio    float32           `json:"ratio"`
	Tags     []string          `json:"tags"`
	Named    map[string]*leaf  `json:"named"`
	Any      any               `json:"any"`
	Next     *fastDoc          `json:"next"`
	Skipped  string            `json:"-"`
	Plain    string
	hidden   string //nolint:unused // unexported fields are not members
}

type leaf struct {
	ID   string  `json:"id"`
	Vals []int64 `json:"vals"`
}

var fastSeeds = []string{
	`{"type":"identity","level":"high","claims":{"name":"A","n":1.5e3},"evidence":[{"method":"face_match","score":0.9,"liveness":true}]}`,
	`{"type":null,"claims":null,"evidence":null,"named":null,"any":null,"next":null}`,
	`{"type":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00","Plain":"x"}`, `{"Plain":"x","plain":"y"}`,
	`{"score":-0,"liveness":false,"small":-128,"port":65535,"ratio":3.4e38,"tags":[],"evidence":[]}`,
	`{"small":128}`, `{"port":-1}`, `{"ratio":1e39}`, `{"score":1e400}`, `{"small":1.0}`,
	`{"named":{"k":{"id":"x","vals":[1,-2,9223372036854775807]},"\u006b2":null}}`,
	`{"any":{"a":[1,"x",true,null,{"b":[]}],"c":{}}}`, `{"TYPE":"x"}`, `{"\u0074ype":"x"}`,
	`{"next":{"next":{"type":"deep"}}}`, `{"unknown":{"a":[1,{"b":"}"}]},"type":"t"}`,
	` { "claims" : [ 1 , 2 ] , "tags" : [ "a" , "b" ] } `, `{"Skipped":"no","hidden":"no"}`,
	`{"type":"\ud800"}`, `{"type":"\udc00\ud800"}`, `[1,2]`, `"s"`, `1`, `null`, `{"any":-12.5e-3}`,
}

// FuzzFastDecode holds the fast decoder to encoding/json: for every
// document check accepts, a decode the fast decoder completes equals
// encoding/json's, for targets it handles entirely.
func FuzzFastDecode(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fastDifferential[fastDoc](t, data)
		fastDifferential[fastDoc](t, data, DisallowUnknownFields())
		fastDifferential[any](t, data)
		fastDifferential[any](t, data, UseNumber())
		fastDifferential[map[string]any](t, data, UseNumber())
		fastDifferential[map[string]string](t, data)
		fastDifferential[[]int](t, data)
		fastDifferential[*leaf](t, data)
		differential[fastDoc](t, data)
		differential[fastDoc](t, data, DisallowUnknownFields(), DisallowNull())
	})
}

func fastDifferential[T any](t *testing.T, data []byte, opts ...Option) {
	t.Helper()
	c := newConfig(opts)
	rt := reflect.TypeFor[T]()
	if check(data, rt, c) != nil {
		return
	}
	p := planFor(rt)
	if p == nil {
		t.Fatalf("no fast plan for %v", rt)
	}
	var got T
	if !fastUnmarshal(data, p, reflect.ValueOf(&got).Elem(), c) {
		return
	}
	var want T
	dec := json.NewDecoder(bytes.NewReader(data))
	if c.useNumber {
		dec.UseNumber()
	}
	if c.disallowUnkown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("fast decode of %q into %T succeeded; encoding/json: %v", data, got, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast decode of %q into %T = %#v; encoding/json %#v", data, got, got, want)
	}
}

// TestFastDecodeUsed checks that the shapes of the service's hot path
// are decoded by the fast decoder, not handed to encoding/json.
func TestFastDecodeUsed(t *testing.T) {
	tests := []struct {
		name string
		data string
		into func() any
	}{
		{"issue body", fastSeeds[0], func() any { return new(fastDoc) }},
		{"escapes", fastSeeds[2], func() any { return new(fastDoc) }},
		{"claims", `{"name":"A","born":"2000-01-02","n":[1,2]}`, func() any { return new(map[string]any) }},
		{"any", `[{"a":1},"b",null]`, func() any { return new(any) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.into()
			rv := reflect.ValueOf(v)
			p := planFor(rv.Type().Elem())
			if p == nil {
				t.Fatalf("no plan for %T", v)
			}
			if !fastUnmarshal([]byte(tt.data), p, rv.Elem(), newConfig([]Option{UseNumber()})) {
				t.Fatalf("fast decoder gave up on %s", tt.data)
			}
		})
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[doc](), reflect.TypeFor[map[int]string](), reflect.TypeFor[[]byte](),
		reflect.TypeFor[json.Number](), reflect.TypeFor[struct {
			N int `json:"n,string"`
		}]()} {
		if planFor(typ) != nil {
			t.Errorf("planFor(%v) != nil; encoding/json must decode it", typ)
		}
	}
}
