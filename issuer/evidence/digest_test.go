package evidence

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestJCSNumbers checks the number serialization against RFC 8785
// Appendix B.
func TestJCSNumbers(t *testing.T) {
	for _, tt := range []struct {
		bits uint64
		want string
	}{
		{0x0000000000000000, "0"},
		{0x8000000000000000, "0"},
		{0x0000000000000001, "5e-324"},
		{0x8000000000000001, "-5e-324"},
		{0x7fefffffffffffff, "1.7976931348623157e+308"},
		{0xffefffffffffffff, "-1.7976931348623157e+308"},
		{0x4340000000000000, "9007199254740992"},
		{0xc340000000000000, "-9007199254740992"},
		{0x4430000000000000, "295147905179352830000"},
		{0x44b52d02c7e14af5, "9.999999999999997e+22"},
		{0x44b52d02c7e14af6, "1e+23"},
		{0x44b52d02c7e14af7, "1.0000000000000001e+23"},
		{0x444b1ae4d6e2ef4e, "999999999999999700000"},
		{0x444b1ae4d6e2ef4f, "999999999999999900000"},
		{0x444b1ae4d6e2ef50, "1e+21"},
		{0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
		{0x3eb0c6f7a0b5ed8d, "0.000001"},
		{0x41b3de4355555553, "333333333.3333332"},
		{0x41b3de4355555554, "333333333.33333325"},
		{0x41b3de4355555555, "333333333.3333333"},
		{0x41b3de4355555556, "333333333.3333334"},
		{0x41b3de4355555557, "333333333.33333343"},
		{0xbecbf647612f3696, "-0.0000033333333333333333"},
		{0x43143ff3c1cb0959, "1424953923781206.2"},
	} {
		f := math.Float64frombits(tt.bits)
		if got := string(appendJCSNumber(nil, f)); got != tt.want {
			t.Errorf("%016x (%v): got %s; want %s", tt.bits, f, got, tt.want)
		}
	}
}

// TestJCSExample is the example of RFC 8785 §3.2.2 and the sorting
// example of §3.2.3.
func TestJCSExample(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]}`,
			`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		{`{"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\ud83d\ude00": 5, "\u0080": 6, "\u00f6": 7}`,
			"{\"\\r\":2,\"1\":4,\"\u0080\":6,\"ö\":7,\"€\":1,\"😀\":5,\"\ufb33\":3}"},
	} {
		var v any
		d := json.NewDecoder(stringsReader(tt.in))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		got, err := appendJCS(nil, v, "$", false)
		if err != nil || string(got) != tt.want {
			t.Errorf("got %s, %v; want %s", got, err, tt.want)
		}
	}
}

func TestClaimsDigest(t *testing.T) {
	want := mustDigest(t, testClaims)
	// One digest for every spelling of the same claims.
	for _, same := range []string{
		`{"birth_date":"1949-12-31","id_number":"11010519491231002X","name":"王小明"}`,
		" {\n  \"name\" : \"\\u738b\\u5c0f\\u660e\",\n  \"id_number\": \"11010519491231002\\u0058\",\n  \"birth_date\": \"1949-12-31\"\n}\n",
	} {
		if got := mustDigest(t, same); got != want {
			t.Errorf("digest of %s: got %s; want %s", same, got, want)
		}
	}
	for _, other := range []string{
		`{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-30"}`,
		`{"name":"王小明","id_number":"11010519491231002X"}`,
		`{"name":"王小明 ","id_number":"11010519491231002X","birth_date":"1949-12-31"}`,
	} {
		if got := mustDigest(t, other); got == want {
			t.Errorf("digest of %s is the digest of other claims", other)
		}
	}
	if got := string(mustCanonical(t, `{"n": 1.0, "m": -0, "e": 1e2}`)); got != `{"e":100,"m":0,"n":1}` {
		t.Errorf("numbers: got %s", got)
	}
	for _, bad := range []string{
		``, `[]`, `"claims"`, `null`, `{"name":"A","name":"B"}`, `{"name":"A","n\u0061me":"B"}`,
		"{\"name\":\"\xff\"}", `{"name":"\ud800"}`, "\xef\xbb\xbf{}", `{} {}`,
		`{"n":9007199254740993}`, `{"n":-9007199254740992}`, `{"n":1e300}`, `{"n":1e400}`,
		`{"a":` + repeat("[", 200) + repeat("]", 200) + `}`,
	} {
		if _, err := ClaimsDigest([]byte(bad)); !errors.Is(err, ErrClaims) {
			t.Errorf("ClaimsDigest(%q): got %v; want %v", bad, err, ErrClaims)
		}
	}
	if _, err := ClaimsDigest([]byte(`{"n":9007199254740991,"f":0.5,"big":"123456789012345678901234567890"}`)); err != nil {
		t.Errorf("exact numbers: %v", err)
	}
}

func mustCanonical(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := Canonical([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func FuzzClaimsDigest(f *testing.F) {
	for _, s := range []string{testClaims, `{}`, `{"a":[1,2.5,-0,1e-7,"x\u0000"],"b":{"c":null,"d":true}}`, `{"\ud83d\ude00":1,"\u20ac":2}`, `{"n":9007199254740993}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		canon, err := Canonical(data)
		if err != nil {
			if !errors.Is(err, ErrClaims) {
				t.Fatalf("error %v does not wrap ErrClaims", err)
			}
			return
		}
		// The canonical form is canonical: it digests as itself.
		again, err := Canonical(canon)
		if err != nil || string(again) != string(canon) {
			t.Fatalf("Canonical(%s) = %s, %v; want it unchanged", canon, again, err)
		}
		var a, b any
		if json.Unmarshal(data, &a) != nil || json.Unmarshal(canon, &b) != nil {
			t.Fatalf("encoding/json refuses %q or its canonical form %s", data, canon)
		}
	})
}

// FuzzJCSNumber: every finite double is written in the ECMAScript
// grammar and reads back as itself.
func FuzzJCSNumber(f *testing.F) {
	for _, x := range []float64{0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, math.MaxFloat64, 1.5e-6, 999999999999999900000} {
		f.Add(math.Float64bits(x))
	}
	grammar := regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?(e[+-][1-9][0-9]*)?$`)
	f.Fuzz(func(t *testing.T, bits uint64) {
		x := math.Float64frombits(bits)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		s := string(appendJCSNumber(nil, x))
		if !grammar.MatchString(s) {
			t.Fatalf("%v written as %q", x, s)
		}
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || (back != x && !(x == 0 && back == 0)) {
			t.Fatalf("%v written as %q reads back as %v, %v", x, s, back, err)
		}
		// Plain form exactly from 1e-6 (inclusive) up to 1e21 (exclusive).
		if a := math.Abs(x); a != 0 && (a >= 1e-6 && a < 1e21) == strings.Contains(s, "e") {
			t.Fatalf("%v written as %q", x, s)
		}
	})
}
