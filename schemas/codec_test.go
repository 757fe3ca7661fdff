package schemas

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/netcred/netcred/internal/strictjson"
)

func schemaByName(tb testing.TB, name string) *Schema {
	tb.Helper()
	s, ok := Builtin().ByName(name)
	if !ok {
		tb.Fatalf("Builtin has no %q", name)
	}
	return s
}

// identityJSON is a complete identity in JSON form.
func identityJSON() map[string]any {
	return map[string]any{
		"name":            "张三",
		"id_number":       "11010519491231002X",
		"birth_date":      "1949-12-31",
		"sex":             "F",
		"nationality":     "CHN",
		"portrait_sha256": strings.Repeat("ab", 32),
	}
}

// identityWire is identityJSON in wire form, as Encode writes it.
func identityWire() map[int64]any {
	return map[int64]any{
		1: "张三",
		2: "11010519491231002X",
		3: int64(-7306),
		4: "F",
		5: "CHN",
		6: []byte(strings.Repeat("\xab", 32)),
	}
}

func TestEncodeIdentity(t *testing.T) {
	s := schemaByName(t, IdentityName)
	got, err := s.Encode(identityJSON())
	if err != nil {
		t.Fatal(err)
	}
	if want := identityWire(); !reflect.DeepEqual(got, want) {
		t.Errorf("Encode = %#v; want %#v", got, want)
	}
	back, err := s.Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := identityJSON(); !reflect.DeepEqual(back, want) {
		t.Errorf("Decode(Encode(x)) = %#v; want %#v", back, want)
	}
}

// TestEncodeErrors feeds Encode what a careless operator writes.
func TestEncodeErrors(t *testing.T) {
	s := schemaByName(t, IdentityName)
	tests := []struct {
		name   string
		change map[string]any // nil value: delete
		claim  string
		rule   string
		err    error
		msg    string // when not empty, the whole message
	}{
		{"bad checksum", map[string]any{"id_number": "110105194912310025"}, "id_number", CheckChecksum, ErrInvalidClaim,
			`schemas: claim "id_number": check character is "5", want "X"`},
		{"bad region", map[string]any{"id_number": "99010519491231002X"}, "id_number", CheckRegion, ErrInvalidClaim, ""},
		{"30 February in id", map[string]any{"id_number": "110105194902300014"}, "id_number", CheckBirthDate, ErrInvalidClaim, ""},
		{"short id", map[string]any{"id_number": "11010519491231002"}, "id_number", CheckFormat, ErrInvalidClaim, ""},
		{"id as number", map[string]any{"id_number": json.Number("110105194912310011")}, "id_number", CheckType, ErrInvalidClaim, ""},
		{"30 February", map[string]any{"birth_date": "1949-02-30"}, "birth_date", CheckFormat, ErrInvalidClaim, ""},
		{"date with time", map[string]any{"birth_date": "1949-12-31T00:00:00Z"}, "birth_date", CheckFormat, ErrInvalidClaim, ""},
		{"date as number", map[string]any{"birth_date": json.Number("-7")}, "birth_date", CheckType, ErrInvalidClaim, ""},
		{"birth_date mismatch", map[string]any{"birth_date": "1949-12-30"}, "birth_date", string(RuleBirthDateMatches), ErrInvalidClaim,
			`schemas: claim "birth_date": does not agree with id_number (1949-12-31)`},
		{"sex mismatch", map[string]any{"sex": "M"}, "sex", string(RuleSexMatches), ErrInvalidClaim,
			`schemas: claim "sex": does not agree with id_number, whose 17th digit 2 means "F"`},
		{"sex not in enum", map[string]any{"sex": "X"}, "sex", CheckEnum, ErrInvalidClaim, ""},
		{"sex lower case", map[string]any{"sex": "f"}, "sex", CheckEnum, ErrInvalidClaim, ""},
		{"nationality alpha-2", map[string]any{"nationality": "CN"}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"nationality lower", map[string]any{"nationality": "chn"}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"name too long", map[string]any{"name": strings.Repeat("张", 65)}, "name", CheckMaxLength, ErrInvalidClaim,
			`schemas: claim "name": has 65 characters, at most 64`},
		{"name empty", map[string]any{"name": ""}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name control", map[string]any{"name": "a\x1b[31mb"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name bad UTF-8", map[string]any{"name": "a\xffb"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name NUL", map[string]any{"name": "a\x00"}, "name", CheckFormat, ErrInvalidClaim,
			`schemas: claim "name": has a forbidden character (U+0000: a control character)`},
		{"name newline", map[string]any{"name": "a\nb"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name DEL", map[string]any{"name": "a\x7f"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name C1 NEL", map[string]any{"name": "a\u0085"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name line separator", map[string]any{"name": "a\u2028b"}, "name", CheckFormat, ErrInvalidClaim,
			`schemas: claim "name": has a forbidden character (U+2028: a line or paragraph separator)`},
		{"name paragraph separator", map[string]any{"name": "a\u2029b"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name RLO", map[string]any{"name": "\u202e明小王"}, "name", CheckFormat, ErrInvalidClaim,
			`schemas: claim "name": has a forbidden character (U+202E: a bidirectional formatting character)`},
		{"name LRM", map[string]any{"name": "a\u200eb"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name ALM", map[string]any{"name": "a\u061cb"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name FSI", map[string]any{"name": "a\u2068b"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"name PDI", map[string]any{"name": "a\u2069b"}, "name", CheckFormat, ErrInvalidClaim, ""},
		{"nationality unassigned", map[string]any{"nationality": "ABC"}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"nationality ICAO stateless", map[string]any{"nationality": "XXA"}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"nationality deleted", map[string]any{"nationality": "ANT"}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"nationality with space", map[string]any{"nationality": "CHN "}, "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"name number", map[string]any{"name": 42.0}, "name", CheckType, ErrInvalidClaim,
			`schemas: claim "name": is a number, want a string`},
		{"name null", map[string]any{"name": nil}, "name", CheckType, ErrInvalidClaim, ""},
		{"name object", map[string]any{"name": map[string]any{"x": 1}}, "name", CheckType, ErrInvalidClaim, ""},
		{"digest upper case", map[string]any{"portrait_sha256": strings.Repeat("AB", 32)}, "portrait_sha256", CheckFormat, ErrInvalidClaim, ""},
		{"digest short", map[string]any{"portrait_sha256": "abcd"}, "portrait_sha256", CheckFormat, ErrInvalidClaim, ""},
		{"unknown claim", map[string]any{"email": "a@example.com"}, "email", CheckUnknown, ErrUnknownClaim,
			`schemas: claim "email": not defined by schema "identity"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := identityJSON()
			for k, v := range tt.change {
				claims[k] = v
			}
			got, err := s.Encode(claims)
			checkClaimError(t, got, err, tt.claim, tt.rule, tt.err, tt.msg)
		})
	}
	t.Run("missing", func(t *testing.T) {
		for _, name := range []string{"name", "id_number", "birth_date"} {
			claims := identityJSON()
			delete(claims, name)
			got, err := s.Encode(claims)
			checkClaimError(t, got, err, name, CheckRequired, ErrMissingClaim, "")
		}
	})
}

func checkClaimError[T any](t *testing.T, got T, err error, claim, rule string, sentinel error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want one for claim %q rule %q", claim, rule)
	}
	if !reflect.ValueOf(got).IsNil() {
		t.Errorf("got a result %v with the error", got)
	}
	var ce *ClaimError
	if !errors.As(err, &ce) {
		t.Fatalf("got %T %v; want a *ClaimError", err, err)
	}
	if ce.Claim != claim || ce.Rule != rule {
		t.Errorf("got claim %q rule %q (%v); want claim %q rule %q", ce.Claim, ce.Rule, err, claim, rule)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("got %v; want it to wrap %v", err, sentinel)
	}
	if msg != "" && err.Error() != msg {
		t.Errorf("got message %q; want %q", err.Error(), msg)
	}
}

func TestEncodeOptionalAndNormalised(t *testing.T) {
	s := schemaByName(t, IdentityName)
	got, err := s.Encode(map[string]any{
		"name":       "Li Si",
		"id_number":  "23010219860315201x",
		"birth_date": "1986-03-15",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got[2] != "23010219860315201X" {
		t.Errorf("id_number = %v; want upper-case X", got[2])
	}
	if len(got) != 3 {
		t.Errorf("got %d claims; want 3", len(got))
	}
	// The rules are skipped when a claim they name is absent.
	if _, err := s.Encode(map[string]any{"name": "Li Si", "id_number": "110105194912310011", "birth_date": "1949-12-31", "sex": "M"}); err != nil {
		t.Errorf("male with odd 17th digit: %v", err)
	}
}

func TestEncodeInts(t *testing.T) {
	s := &Schema{Name: "counter", ID: 70, Version: 1, MinLevel: 1, Claims: []Claim{
		{Name: "n", Key: 1, Type: TypeInt, Required: true},
		{Name: "m", Key: 2, Type: TypeInt},
		{Name: "ok", Key: 3, Type: TypeBool},
	}, Rules: []Rule{{Kind: RuleBefore, Claims: []string{"n", "m"}}}}
	good := []struct {
		in   any
		want int64
	}{
		{json.Number("42"), 42},
		{json.Number("-9223372036854775808"), math.MinInt64},
		{json.Number("9223372036854775807"), math.MaxInt64},
		{json.Number("1e3"), 1000},
		{json.Number("2.0"), 2},
		{json.Number("-0"), 0},
		{float64(12), 12},
		{float64(1 << 53), 1 << 53},
		{int(7), 7},
		{int64(-7), -7},
		{uint8(200), 200},
		{uint64(math.MaxInt64), math.MaxInt64},
	}
	for _, tt := range good {
		got, err := s.Encode(map[string]any{"n": tt.in})
		if err != nil {
			t.Errorf("Encode(n: %#v): %v", tt.in, err)
			continue
		}
		if got[1] != tt.want {
			t.Errorf("Encode(n: %#v) = %#v; want int64 %d", tt.in, got[1], tt.want)
		}
	}
	bad := []struct {
		in   any
		rule string
	}{
		{json.Number("1.5"), CheckType},
		{json.Number("9223372036854775808"), CheckRange},
		{json.Number("1e400"), CheckRange},
		{json.Number("1e30"), CheckRange},
		{json.Number("abc"), CheckType},
		{1.5, CheckType},
		{math.NaN(), CheckType},
		{math.Inf(1), CheckType},
		{float64(1<<53 + 2), CheckRange},
		{uint64(math.MaxUint64), CheckRange},
		{"42", CheckType},
		{true, CheckType},
		{[]any{json.Number("1")}, CheckType},
		{big.NewInt(1), CheckType},
	}
	for _, tt := range bad {
		got, err := s.Encode(map[string]any{"n": tt.in})
		checkClaimError(t, got, err, "n", tt.rule, ErrInvalidClaim, "")
	}
	if _, err := s.Encode(map[string]any{"n": 5, "m": 5}); err == nil {
		t.Error("before: 5 < 5 accepted")
	}
	if _, err := s.Encode(map[string]any{"n": 4, "m": 5, "ok": true}); err != nil {
		t.Error(err)
	}
	got, err := s.Encode(map[string]any{"n": 4, "ok": "true"})
	checkClaimError(t, got, err, "ok", CheckType, ErrInvalidClaim, "")
}

func TestTicket(t *testing.T) {
	s := schemaByName(t, TicketName)
	in := map[string]any{
		"event":       "Spring Festival Gala",
		"seat":        "B-12",
		"valid_from":  "2026-02-16T20:00:00+08:00",
		"valid_until": "2026-02-17T01:00:00+08:00",
		"holder_name": "王五",
	}
	wire, err := s.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := wire[3], int64(1771243200); got != want {
		t.Errorf("valid_from on the wire = %v; want %d", got, want)
	}
	out, err := s.Decode(wire)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out["valid_from"], "2026-02-16T12:00:00Z"; got != want {
		t.Errorf("valid_from = %v; want %v", got, want)
	}
	bad := []struct {
		name, claim, value, rule string
	}{
		{"until before from", "valid_until", "2026-02-16T19:00:00+08:00", string(RuleBefore)},
		{"until equals from", "valid_until", "2026-02-16T12:00:00Z", string(RuleBefore)},
		{"fraction", "valid_from", "2026-02-16T20:00:00.5+08:00", CheckFormat},
		{"no offset", "valid_from", "2026-02-16T20:00:00", CheckFormat},
		{"date only", "valid_from", "2026-02-16", CheckFormat},
		{"seat too long", "seat", strings.Repeat("x", 17), CheckMaxLength},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := map[string]any{}
			for k, v := range in {
				c[k] = v
			}
			c[tt.claim] = tt.value
			got, err := s.Encode(c)
			claim := tt.claim
			if tt.rule == string(RuleBefore) {
				claim = "valid_from"
			}
			checkClaimError(t, got, err, claim, tt.rule, ErrInvalidClaim, "")
		})
	}
}

// TestDecodeErrors feeds Decode what an attacker can put in a signed-by-a-
// buggy-issuer credential, or what a strict CBOR decoder may hand over.
func TestDecodeErrors(t *testing.T) {
	s := schemaByName(t, IdentityName)
	tests := []struct {
		name  string
		key   int64
		value any // deleteValue: delete
		claim string
		rule  string
		err   error
		msg   string
	}{
		{"name as bytes", 1, []byte("x"), "name", CheckType, ErrInvalidClaim, `schemas: claim "name": is a byte string, want a text string`},
		{"name as int", 1, uint64(1), "name", CheckType, ErrInvalidClaim, ""},
		{"name as array", 1, []any{"x"}, "name", CheckType, ErrInvalidClaim, ""},
		{"name as map", 1, map[any]any{"x": "y"}, "name", CheckType, ErrInvalidClaim, ""},
		{"name as tag", 1, cbor.Tag{Number: 0, Content: "x"}, "name", CheckType, ErrInvalidClaim, ""},
		{"name nil", 1, nil, "name", CheckType, ErrInvalidClaim, ""},
		{"name too long", 1, strings.Repeat("a", 65), "name", CheckMaxLength, ErrInvalidClaim, ""},
		{"id lower x", 2, "11010519491231002x", "id_number", CheckFormat, ErrInvalidClaim, ""},
		{"id checksum", 2, "110105194912310025", "id_number", CheckChecksum, ErrInvalidClaim, ""},
		{"date as text", 3, "1949-12-31", "birth_date", CheckType, ErrInvalidClaim, ""},
		{"date tagged", 3, cbor.Tag{Number: 100, Content: int64(-7306)}, "birth_date", CheckType, ErrInvalidClaim, ""},
		{"date float", 3, float64(-7306), "birth_date", CheckType, ErrInvalidClaim, ""},
		{"date NaN", 3, math.NaN(), "birth_date", CheckType, ErrInvalidClaim, ""},
		{"date huge", 3, uint64(math.MaxUint64), "birth_date", CheckRange, ErrInvalidClaim, ""},
		{"date out of range", 3, int64(maxDay + 1), "birth_date", CheckRange, ErrInvalidClaim, ""},
		{"date big int", 3, *big.NewInt(-7306), "birth_date", CheckType, ErrInvalidClaim, ""},
		{"date mismatch", 3, int64(-7307), "birth_date", string(RuleBirthDateMatches), ErrInvalidClaim, ""},
		{"sex mismatch", 4, "M", "sex", string(RuleSexMatches), ErrInvalidClaim, ""},
		{"sex X", 4, "X", "sex", CheckEnum, ErrInvalidClaim, ""},
		{"nationality", 5, "CN", "nationality", CheckFormat, ErrInvalidClaim, ""},
		{"digest short", 6, make([]byte, 31), "portrait_sha256", CheckFormat, ErrInvalidClaim, ""},
		{"digest as hex text", 6, strings.Repeat("ab", 32), "portrait_sha256", CheckType, ErrInvalidClaim, ""},
		{"unknown key", 7, "x", "", CheckUnknown, ErrUnknownClaim, `schemas: claim key 7: not defined by schema "identity"`},
		{"key 0", 0, "x", "", CheckUnknown, ErrUnknownClaim, ""},
		{"negative key", -1, "x", "", CheckUnknown, ErrUnknownClaim, ""},
		{"huge key", math.MaxInt64, "x", "", CheckUnknown, ErrUnknownClaim, ""},
		{"missing name", 1, deleteValue{}, "name", CheckRequired, ErrMissingClaim, `schemas: claim "name": is required but missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			attrs := identityWire()
			if _, del := tt.value.(deleteValue); del {
				delete(attrs, tt.key)
			} else {
				attrs[tt.key] = tt.value
			}
			got, err := s.Decode(attrs)
			checkClaimError(t, got, err, tt.claim, tt.rule, tt.err, tt.msg)
		})
	}
}

type deleteValue struct{}

func TestDecodeAcceptsCBORInts(t *testing.T) {
	s := schemaByName(t, TicketName)
	attrs := map[int64]any{1: "Gala", 3: uint64(1771243200), 4: uint64(1771261200), 5: "王五"}
	got, err := s.Decode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"event": "Gala", "valid_from": "2026-02-16T12:00:00Z", "valid_until": "2026-02-16T17:00:00Z", "holder_name": "王五"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %v; want %v", got, want)
	}
	if _, err := s.Decode(nil); !errors.Is(err, ErrMissingClaim) {
		t.Errorf("Decode(nil) = %v; want ErrMissingClaim", err)
	}
}

// TestDecodeThroughCBOR checks the wire form survives CBOR: Encode, marshal
// with the Core Deterministic options, unmarshal, Decode.
func TestDecodeThroughCBOR(t *testing.T) {
	s := schemaByName(t, IdentityName)
	wire, err := s.Encode(identityJSON())
	if err != nil {
		t.Fatal(err)
	}
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := em.Marshal(wire)
	if err != nil {
		t.Fatal(err)
	}
	// Keys in one byte each, the date in three (-7306), the digest in 2+32.
	if len(b) > 80 {
		t.Errorf("identity claims take %d bytes of CBOR; want at most 80", len(b))
	}
	var attrs map[int64]any
	if err := strictDecMode(t).Unmarshal(b, &attrs); err != nil {
		t.Fatal(err)
	}
	got, err := s.Decode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	if want := identityJSON(); !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %v; want %v", got, want)
	}
}

func TestEncodeJSON(t *testing.T) {
	s := schemaByName(t, IdentityName)
	good := `{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31","sex":"F"}`
	got, err := s.EncodeJSON([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3] != int64(-7306) {
		t.Errorf("EncodeJSON = %#v", got)
	}
	bad := []struct {
		name, in string
		err      error
	}{
		{"duplicate name", `{"name":"a","name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31"}`, ErrMalformed},
		{"array", `[]`, ErrMalformed},
		{"string", `"x"`, ErrMalformed},
		{"null", `null`, ErrMalformed},
		{"empty", ``, ErrMalformed},
		{"trailing object", good + `{}`, ErrMalformed},
		{"trailing garbage", good + ` x`, ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"bad UTF-8", `{"name":"` + "\xff" + `"}`, ErrMalformed},
		{"trailing comma", `{"name":"x",}`, ErrMalformed},
		{"too large", `{"name":"` + strings.Repeat(" ", MaxClaimsJSONSize) + `"}`, ErrTooLarge},
		{"unknown", `{"name":"张三","id_number":"11010519491231002X","birth_date":"1949-12-31","Name":"x"}`, ErrUnknownClaim},
		{"missing", `{"name":"张三","birth_date":"1949-12-31"}`, ErrMissingClaim},
		{"null value", `{"name":null,"id_number":"11010519491231002X","birth_date":"1949-12-31"}`, ErrInvalidClaim},
		{"nested", `{"name":{"a":{"b":1}},"id_number":"11010519491231002X","birth_date":"1949-12-31"}`, ErrInvalidClaim},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.EncodeJSON([]byte(tt.in))
			if !errors.Is(err, tt.err) {
				t.Errorf("EncodeJSON(%.60q) = %v; want %v", tt.in, err, tt.err)
			}
			if got != nil {
				t.Errorf("got a result with the error")
			}
		})
	}
	ints := &Schema{Name: "n", ID: 64, Version: 1, MinLevel: 1, Claims: []Claim{{Name: "n", Key: 1, Type: TypeInt}}}
	if _, err := ints.EncodeJSON([]byte(`{"n": 1.5}`)); !errors.Is(err, ErrInvalidClaim) {
		t.Errorf("int 1.5: got %v; want ErrInvalidClaim", err)
	}
	if got, err := ints.EncodeJSON([]byte(`{"n": 9007199254740993}`)); err != nil || got[1] != int64(9007199254740993) {
		t.Errorf("int 2^53+1: got %v, %v; want it exact", got, err)
	}
}

// TestErrorOrder checks that the first problem is reported, whatever the
// map order: unknown claims, then claims in key order, then rules.
func TestErrorOrder(t *testing.T) {
	s := schemaByName(t, IdentityName)
	for range 20 {
		attrs := identityWire()
		attrs[9], attrs[8] = "x", "y"
		attrs[1] = uint64(1)
		var ce *ClaimError
		if _, err := s.Decode(attrs); !errors.As(err, &ce) || ce.Key != 8 {
			t.Fatalf("Decode: got %v; want unknown key 8", err)
		}
		delete(attrs, 8)
		delete(attrs, 9)
		attrs[5] = "bad"
		if _, err := s.Decode(attrs); !errors.As(err, &ce) || ce.Claim != "name" {
			t.Fatalf("Decode: got %v; want claim name", err)
		}
		claims := identityJSON()
		claims["zz"], claims["aa"] = 1, 2
		if _, err := s.Encode(claims); !errors.As(err, &ce) || ce.Claim != "aa" {
			t.Fatalf("Encode: got %v; want claim aa", err)
		}
	}
}

// TestEncodeJSONStrict checks that claims JSON is read by strictjson: what
// encoding/json would let through is refused, naming the member, and
// errors.Is finds both sentinels (the CLI hints on strictjson.ErrBOM).
func TestEncodeJSONStrict(t *testing.T) {
	s := schemaByName(t, IdentityName)
	rest := `"id_number":"11010519491231002X","birth_date":"1949-12-31"}`
	tests := []struct {
		name, in string
		err      error
		contains string
	}{
		{"duplicate signs the last", `{"name":"A","name":"B",` + rest, strictjson.ErrDuplicateMember, "duplicate member at $.name"},
		{"duplicate by escape", `{"name":"A","n\u0061me":"B",` + rest, strictjson.ErrDuplicateMember, "$.name"},
		{"BOM", "\xef\xbb\xbf" + `{"name":"A",` + rest, strictjson.ErrBOM, "byte-order mark"},
		{"UTF-16", "{\x00\"\x00", strictjson.ErrInvalidUTF8, "UTF-16"},
		{"lone surrogate", `{"name":"\ud800",` + rest, strictjson.ErrLoneSurrogate, "$.name"},
		{"invalid UTF-8", "{\"name\":\"\xed\xa0\x80\"," + rest, strictjson.ErrInvalidUTF8, "$.name"},
		{"trailing data", `{"name":"A",` + rest + `,`, strictjson.ErrTrailingData, "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.EncodeJSON([]byte(tt.in))
			if !errors.Is(err, ErrMalformed) || !errors.Is(err, tt.err) {
				t.Fatalf("EncodeJSON(%.60q) = %v; want %v and %v", tt.in, err, ErrMalformed, tt.err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("EncodeJSON(%.60q) = %q; want it to contain %q", tt.in, err, tt.contains)
			}
			if got != nil {
				t.Errorf("got a result with the error")
			}
		})
	}
}

// TestStringCharacters pins what a string claim may hold besides the
// forbidden characters: everything else, with no normalization.
func TestStringCharacters(t *testing.T) {
	s := schemaByName(t, IdentityName)
	for _, name := range []string{
		"阿依古丽·买买提", // U+00B7 middle dot
		" 王小明 ",    // spaces are kept as they are
		"a\u00a0b", // no-break space (Zs)
		"a\u200db", // zero-width joiner (Cf, not bidirectional)
		"a\ufeffb", // zero-width no-break space (Cf)
		"e\u0301",  // combining accent, not normalized
		"\u00e9",   // precomposed: a different value
		"👩‍👩‍👧",
		strings.Repeat("张", 64), // 64 code points, 192 bytes
		"\ufffd",
	} {
		claims := identityJSON()
		claims["name"] = name
		if _, err := s.Encode(claims); err != nil {
			t.Errorf("Encode(name %q) = %v; want nil", name, err)
		}
	}
	for r := rune(0); r <= 0x10ffff; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		want := r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 ||
			r == 0x061c || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
		if got := forbiddenRune(r); got != want {
			t.Fatalf("forbiddenRune(%U) = %v; want %v", r, got, want)
		}
	}
}

// TestCountryAlpha3 pins the list FormatCountryAlpha3 accepts.
func TestCountryAlpha3(t *testing.T) {
	codes := CountryAlpha3Codes()
	if len(codes) != 249 || !slices.IsSorted(codes) {
		t.Fatalf("CountryAlpha3Codes() has %d codes, sorted %v; want 249, sorted", len(codes), slices.IsSorted(codes))
	}
	for _, c := range codes {
		if !isCountryAlpha3(c) {
			t.Errorf("isCountryAlpha3(%q) = false; want true", c)
		}
	}
	for _, c := range []string{"", "CH", "CHNA", "chn", "Chn", "ABC", "XXA", "XXB", "XXC", "XXX", "ANT", "SCG", "UNK", "EUE", "ZZZ", "AAA", "CH\x00", "HK "} {
		if isCountryAlpha3(c) {
			t.Errorf("isCountryAlpha3(%q) = true; want false", c)
		}
	}
	for _, c := range []string{"CHN", "HKG", "MAC", "TWN", "ABW", "ZWE", "SSD", "BES"} {
		if !isCountryAlpha3(c) {
			t.Errorf("isCountryAlpha3(%q) = false; want true", c)
		}
	}
}
