package schemas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// FuzzParseSchema checks that ParseSchema never panics, returns a nil
// schema with every error, and that an accepted schema survives
// json.Marshal and ParseSchema with the same digest.
func FuzzParseSchema(f *testing.F) {
	f.Add([]byte(badgeJSON))
	for _, name := range []string{"identity.json", "ticket.json"} {
		data, err := os.ReadFile(filepath.Join("builtin", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"name":"a","id":64,"version":1,"min_level":"low","claims":[{"name":"x","key":1,"type":"bool"}]}`))
	f.Add([]byte(`{"name":"a","name":"b"}`))
	f.Add([]byte(`{"name":"a","id":64,"version":1,"min_level":"2","claims":[{"name":"x","key":23,"type":"int"},{"name":"y","key":1,"type":"int"}],"rules":[{"rule":"before","claims":["x","y"]}]}`))
	f.Add([]byte(`[[[[[[[[[[]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSchema(data)
		if err != nil {
			if s != nil {
				t.Fatalf("ParseSchema returned a schema and %v", err)
			}
			return
		}
		d := s.Digest()
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		s2, err := ParseSchema(again)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		if s2.Digest() != d {
			t.Fatalf("digest changed on re-parse: %s != %s", s2.Digest(), d)
		}
	})
}

// FuzzEncodeJSON checks that EncodeJSON never panics, and that what it
// accepts decodes (directly and through CBOR) and re-encodes to the same
// wire form.
func FuzzEncodeJSON(f *testing.F) {
	f.Add(IdentityName, []byte(`{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31","sex":"F","nationality":"CHN","portrait_sha256":"abababababababababababababababababababababababababababababababab"}`))
	f.Add(IdentityName, []byte(`{"name":"Li Si","id_number":"23010219860315201x","birth_date":"1986-03-15"}`))
	f.Add(IdentityName, []byte(`{"name":"a","name":"b"}`))
	f.Add(IdentityName, []byte(`{"name":"a","id_number":"110105194912310025","birth_date":"1949-12-31"}`))
	f.Add(TicketName, []byte(`{"event":"Gala","seat":"B-12","valid_from":"2026-02-16T20:00:00+08:00","valid_until":"2026-02-17T01:00:00+08:00","holder_name":"王五"}`))
	f.Add(TicketName, []byte(`{"event":"Gala","valid_from":"0001-01-01T00:00:00+00:01","valid_until":"9999-12-31T23:59:59-23:59","holder_name":"x"}`))
	f.Add("staff_badge", []byte(`{"name":"A","employee_no":1e3,"expires":"2030-01-01","hired":"2020-01-01","grade":"B"}`))
	f.Add("staff_badge", []byte(`{"name":"A","employee_no":-9223372036854775808,"expires":"2030-01-01"}`))
	r := Builtin()
	badge, err := ParseSchema([]byte(badgeJSON))
	if err != nil {
		f.Fatal(err)
	}
	if err := r.Add(badge); err != nil {
		f.Fatal(err)
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		f.Fatal(err)
	}
	dm := strictDecMode(f)
	f.Fuzz(func(t *testing.T, schema string, data []byte) {
		s, ok := r.ByName(schema)
		if !ok {
			return
		}
		wire, err := s.EncodeJSON(data)
		if err != nil {
			if wire != nil {
				t.Fatalf("EncodeJSON returned a result and %v", err)
			}
			return
		}
		claims, err := s.Decode(wire)
		if err != nil {
			t.Fatalf("Decode(EncodeJSON(%q)): %v", data, err)
		}
		wire2, err := s.Encode(claims)
		if err != nil {
			t.Fatalf("Encode(Decode(...)): %v", err)
		}
		if !reflect.DeepEqual(wire, wire2) {
			t.Fatalf("round trip changed the wire form: %#v != %#v", wire, wire2)
		}
		b, err := em.Marshal(wire)
		if err != nil {
			t.Fatal(err)
		}
		var attrs map[int64]any
		if err := dm.Unmarshal(b, &attrs); err != nil {
			t.Fatal(err)
		}
		claims2, err := s.Decode(attrs)
		if err != nil {
			t.Fatalf("Decode after CBOR: %v", err)
		}
		if !reflect.DeepEqual(claims, claims2) {
			t.Fatalf("CBOR changed the claims: %v != %v", claims, claims2)
		}
	})
}

// FuzzDecode feeds CBOR, decoded with a strict decoder as the credential
// package does, to Decode: it never panics, returns nil with an error, and
// what it accepts re-encodes with Encode to the same wire values.
func FuzzDecode(f *testing.F) {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		f.Fatal(err)
	}
	seed := func(schema string, attrs map[int64]any) {
		b, err := em.Marshal(attrs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(schema, b)
	}
	seed(IdentityName, identityWire())
	seed(IdentityName, map[int64]any{1: "a", 2: "11010519491231002x", 3: -7306})
	seed(IdentityName, map[int64]any{1: "a", 2: "110105194912310011", 3: -7306, 4: "M", 7: nil})
	seed(IdentityName, map[int64]any{1: []byte("a"), 2: 1.5, 3: cbor.Tag{Number: 100, Content: -7306}, 4: []any{}, 5: map[string]any{}})
	seed(TicketName, map[int64]any{1: "Gala", 3: 1771243200, 4: 1771261200, 5: "王五", 2: "B-12"})
	seed(TicketName, map[int64]any{1: "Gala", 3: uint64(1 << 63), 4: -1 << 62, 5: "x"})
	f.Add(IdentityName, []byte{0xa1, 0x01, 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0})    // {1: NaN}
	f.Add(IdentityName, []byte{0xa1, 0x03, 0xc3, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0}) // {3: bignum -2^64-1}
	r := Builtin()
	dm := strictDecMode(f)
	f.Fuzz(func(t *testing.T, schema string, data []byte) {
		s, ok := r.ByName(schema)
		if !ok {
			return
		}
		var attrs map[int64]any
		if err := dm.Unmarshal(data, &attrs); err != nil {
			return
		}
		claims, err := s.Decode(attrs)
		if err != nil {
			if claims != nil {
				t.Fatalf("Decode returned claims and %v", err)
			}
			return
		}
		wire, err := s.Encode(claims)
		if err != nil {
			t.Fatalf("Encode(Decode(%x)): %v", data, err)
		}
		if want := canonicalWire(attrs); !reflect.DeepEqual(wire, want) {
			t.Fatalf("Encode(Decode(x)) = %#v; want %#v", wire, want)
		}
	})
}

// canonicalWire is attrs with the integers as int64, as Encode writes them.
func canonicalWire(attrs map[int64]any) map[int64]any {
	out := make(map[int64]any, len(attrs))
	for k, v := range attrs {
		if u, ok := v.(uint64); ok {
			v = int64(u)
		}
		out[k] = v
	}
	return out
}
