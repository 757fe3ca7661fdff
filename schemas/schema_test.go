package schemas

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
)

const badgeJSON = `{
  "name": "staff_badge",
  "id": 64,
  "version": 1,
  "min_level": "substantial",
  "description": "Staff badge of Example Ltd.",
  "claims": [
    {"name": "name", "key": 1, "type": "string", "required": true, "max_length": 64},
    {"name": "employee_no", "key": 2, "type": "int", "required": true},
    {"name": "grade", "key": 3, "type": "string", "enum": ["A", "B", "C"]},
    {"name": "hired", "key": 4, "type": "date"},
    {"name": "expires", "key": 5, "type": "date", "required": true}
  ],
  "rules": [{"rule": "before", "claims": ["hired", "expires"]}]
}`

func TestParseSchema(t *testing.T) {
	s, err := ParseSchema([]byte(badgeJSON))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "staff_badge" || s.ID != 64 || s.MinLevel != credential.LevelSubstantial || len(s.Claims) != 5 {
		t.Errorf("ParseSchema = %+v", s)
	}
	if c, ok := s.Claim("grade"); !ok || c.Key != 3 || len(c.Enum) != 3 {
		t.Errorf("Claim(grade) = %+v, %v", c, ok)
	}
	if c, ok := s.ClaimByKey(5); !ok || c.Name != "expires" {
		t.Errorf("ClaimByKey(5) = %+v, %v", c, ok)
	}
	if _, ok := s.Claim("nope"); ok {
		t.Error("Claim(nope) found")
	}
	if _, ok := s.ClaimByKey(24); ok {
		t.Error("ClaimByKey(24) found")
	}
	wire, err := s.EncodeJSON([]byte(`{"name":"A","employee_no":7,"expires":"2030-01-01","hired":"2020-01-01"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Decode(wire); err != nil {
		t.Fatal(err)
	}
}

// TestParseSchemaErrors feeds ParseSchema what a careless operator writes.
func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old with new in badgeJSON
		err      error
		contains string
	}{
		{"unknown field", `"version": 1,`, `"version": 1, "colour": "red",`, ErrInvalidSchema, `unknown member at $.colour`},
		{"field in wrong place", `"version": 1,`, `"version": 1, "key": 1,`, ErrInvalidSchema, `unknown member at $.key`},
		{"field in wrong case", `"version": 1,`, `"Version": 1,`, ErrInvalidSchema, `member name in the wrong case at $.Version: the member is "version"`},
		{"duplicate field", `"version": 1,`, `"version": 1, "version": 2,`, ErrMalformed, `duplicate member at $.version`},
		{"duplicate in claim", `"key": 2, "type": "int"`, `"key": 2, "key": 3, "type": "int"`, ErrMalformed, "duplicate member at $.claims[1].key"},
		{"duplicate claim name", `"name": "grade"`, `"name": "employee_no"`, ErrInvalidSchema, `claim "employee_no": defined more than once`},
		{"duplicate key", `"key": 3`, `"key": 2`, ErrInvalidSchema, `key 2 is also the key of claim "employee_no"`},
		{"key 0", `"key": 3`, `"key": 0`, ErrInvalidSchema, "key 0 is outside 1..23"},
		{"key 24", `"key": 3`, `"key": 24`, ErrInvalidSchema, "key 24 is outside 1..23"},
		{"key negative", `"key": 3`, `"key": -1`, ErrInvalidSchema, "outside"},
		{"key fraction", `"key": 3`, `"key": 3.5`, ErrInvalidSchema, "key"},
		{"key string", `"key": 3`, `"key": "3"`, ErrInvalidSchema, "key"},
		{"unknown type", `"type": "int"`, `"type": "integer"`, ErrInvalidSchema, `claim "employee_no": unknown type "integer"`},
		{"max_length on int", `"type": "int"`, `"type": "int", "max_length": 4`, ErrInvalidSchema, "max_length applies only to string"},
		{"enum on date", `"key": 4, "type": "date"`, `"key": 4, "type": "date", "enum": ["x"]`, ErrInvalidSchema, "enum applies only to string"},
		{"max_length negative", `"max_length": 64`, `"max_length": -1`, ErrInvalidSchema, "max_length -1"},
		{"max_length huge", `"max_length": 64`, `"max_length": 100000`, ErrInvalidSchema, "max_length 100000"},
		{"enum duplicate", `["A", "B", "C"]`, `["A", "B", "A"]`, ErrInvalidSchema, `enum value "A" appears twice`},
		{"enum empty value", `["A", "B", "C"]`, `["A", ""]`, ErrInvalidSchema, "is empty"},
		{"unknown format", `"key": 3,`, `"key": 3, "format": "email",`, ErrInvalidSchema, `unknown format "email"`},
		{"bad name", `"staff_badge"`, `"Staff Badge"`, ErrInvalidSchema, "name"},
		{"bad claim name", `"name": "grade"`, `"name": "grade-level"`, ErrInvalidSchema, `claim name "grade-level"`},
		{"id 0", `"id": 64`, `"id": 0`, ErrInvalidSchema, "id 0"},
		{"id huge", `"id": 64`, `"id": 65536`, ErrInvalidSchema, "id 65536"},
		{"id negative", `"id": 64`, `"id": -64`, ErrInvalidSchema, "id"},
		{"version 0", `"version": 1`, `"version": 0`, ErrInvalidSchema, "version 0"},
		{"no min_level", `"min_level": "substantial",`, ``, ErrInvalidSchema, "min_level"},
		{"bad min_level", `"substantial"`, `"extreme"`, ErrInvalidSchema, "extreme"},
		{"min_level number", `"substantial"`, `2`, ErrInvalidSchema, "min_level"},
		{"no claims", `"claims": [`, `"claims": [], "x": [`, ErrInvalidSchema, "unknown member"},
		{"unknown rule", `"rule": "before"`, `"rule": "after"`, ErrInvalidSchema, "unknown rule"},
		{"rule unknown claim", `["hired", "expires"]`, `["hired", "fired"]`, ErrInvalidSchema, `claim "fired" is not defined`},
		{"rule one claim", `["hired", "expires"]`, `["hired"]`, ErrInvalidSchema, "names 1 claims, want 2"},
		{"rule same claim", `["hired", "expires"]`, `["hired", "hired"]`, ErrInvalidSchema, "twice"},
		{"rule types differ", `["hired", "expires"]`, `["employee_no", "expires"]`, ErrInvalidSchema, "same type"},
		{"rule on strings", `["hired", "expires"]`, `["name", "grade"]`, ErrInvalidSchema, "same type"},
		{"rule repeated", `"rules": [`, `"rules": [{"rule": "before", "claims": ["hired", "expires"]},`, ErrInvalidSchema, "repeats"},
		{"birth rule wrong types", `"rule": "before"`, `"rule": "birth_date_matches"`, ErrInvalidSchema, "prc_id"},
		{"not an object", badgeJSON, `[` + badgeJSON + `]`, ErrMalformed, "not a JSON object"},
		{"trailing data", badgeJSON, badgeJSON + `{}`, ErrMalformed, "after"},
		{"truncated", badgeJSON, badgeJSON[:100], ErrMalformed, "input ends"},
		{"bad UTF-8", `Example Ltd.`, "Example \xff", ErrMalformed, "UTF-8"},
		{"control char in description", `Example Ltd.`, `Example\u0007`, ErrInvalidSchema, "description"},
		{"enum of arrays", `["A", "B", "C"]`, `[["A"]]`, ErrInvalidSchema, "wrong type at $.claims[2].enum[0]: a JSON array, want a string"},
		{"BOM", badgeJSON, "\xef\xbb\xbf" + badgeJSON, ErrMalformed, "byte-order mark"},
		{"lone surrogate", `Example Ltd.`, `Example \udfff`, ErrMalformed, "lone surrogate at $.description"},
		{"null", `"version": 1,`, `"version": 1, "description": null,`, ErrInvalidSchema, "null not allowed at $.description"},
		{"key in another case, Kelvin sign", `"key": 3`, "\"\u212aey\": 3", ErrInvalidSchema, "wrong case"},
		{"too large", `Example Ltd.`, strings.Repeat("x", MaxSchemaSize), ErrTooLarge, "more than 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(badgeJSON, tt.old, tt.new, 1)
			if in == badgeJSON {
				t.Fatalf("replacement %q did not apply", tt.old)
			}
			s, err := ParseSchema([]byte(in))
			if !errors.Is(err, tt.err) {
				t.Fatalf("ParseSchema: got %v; want %v", err, tt.err)
			}
			if s != nil {
				t.Error("got a schema with the error")
			}
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Errorf("got %T; want *SchemaError", err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("got %q; want it to contain %q", err, tt.contains)
			}
			if !strings.HasPrefix(err.Error(), "schemas: ") || strings.Count(err.Error(), "schemas: ") != 1 {
				t.Errorf("got %q; want one \"schemas: \" prefix", err)
			}
		})
	}
}

func TestSexRuleNeedsEnum(t *testing.T) {
	s := &Schema{Name: "p", ID: 64, Version: 1, MinLevel: credential.LevelHigh, Claims: []Claim{
		{Name: "sex", Key: 1, Type: TypeString, Enum: []string{"F", "M", "X"}},
		{Name: "id", Key: 2, Type: TypePRCID},
	}, Rules: []Rule{{Kind: RuleSexMatches, Claims: []string{"sex", "id"}}}}
	if err := s.Validate(); !errors.Is(err, ErrInvalidSchema) || !strings.Contains(err.Error(), `"X"`) {
		t.Errorf("Validate = %v; want the X refused", err)
	}
	s.Claims[0].Enum = nil
	if err := s.Validate(); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("Validate = %v; want enum required", err)
	}
	s.Claims[0].Enum = []string{"M", "F"}
	if err := s.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
	// An invalid schema built in Go is refused by Encode and Decode too.
	bad := &Schema{Name: "p", ID: 64, Version: 1}
	if _, err := bad.Encode(nil); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("Encode on invalid schema = %v", err)
	}
	if _, err := bad.Decode(nil); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("Decode on invalid schema = %v", err)
	}
	if _, err := bad.EncodeJSON([]byte(`{}`)); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("EncodeJSON on invalid schema = %v", err)
	}
	if d := bad.Digest(); !strings.HasPrefix(d, "sha256:") {
		t.Errorf("Digest of invalid schema = %q", d)
	}
}

func TestDigest(t *testing.T) {
	a, err := ParseSchema([]byte(badgeJSON))
	if err != nil {
		t.Fatal(err)
	}
	d := a.Digest()
	if !strings.HasPrefix(d, "sha256:") || len(d) != 7+64 {
		t.Fatalf("Digest = %q", d)
	}
	// Claim order and whitespace do not matter; the digest is of the
	// canonical form.
	var raw map[string]any
	if err := json.Unmarshal([]byte(badgeJSON), &raw); err != nil {
		t.Fatal(err)
	}
	cl := raw["claims"].([]any)
	cl[0], cl[4] = cl[4], cl[0]
	compact, _ := json.Marshal(raw)
	b, err := ParseSchema(compact)
	if err != nil {
		t.Fatal(err)
	}
	if b.Digest() != d {
		t.Errorf("reordered claims: digest %s; want %s", b.Digest(), d)
	}
	// Marshalling a parsed schema and parsing it again keeps the digest.
	again, _ := json.Marshal(a)
	c, err := ParseSchema(again)
	if err != nil {
		t.Fatal(err)
	}
	if c.Digest() != d {
		t.Errorf("re-marshalled: digest %s; want %s", c.Digest(), d)
	}
	// Any change changes it.
	for _, change := range [][2]string{
		{`"version": 1`, `"version": 2`},
		{`Example Ltd.`, `Example Ltd`},
		{`"max_length": 64`, `"max_length": 63`},
		{`["A", "B", "C"]`, `["A", "C", "B"]`},
		{`"required": true, "max_length"`, `"max_length"`},
	} {
		e, err := ParseSchema([]byte(strings.Replace(badgeJSON, change[0], change[1], 1)))
		if err != nil {
			t.Fatal(err)
		}
		if e.Digest() == d {
			t.Errorf("change %q -> %q kept the digest", change[0], change[1])
		}
	}
}

// TestCanonicalJSON pins the canonical form, which other implementations
// must reproduce.
func TestCanonicalJSON(t *testing.T) {
	s := &Schema{Name: "t", ID: 64, Version: 1, MinLevel: credential.LevelLow,
		Description: "a \"b\" \\ <&> é \u2028 \t\x7f",
		Claims: []Claim{
			{Name: "z", Key: 2, Type: TypeDate},
			{Name: "a", Key: 1, Type: TypeString, Required: true, MaxLength: 3, Enum: []string{"b", "a"}, Description: "x"},
		},
		Rules: []Rule{},
	}
	if err := s.Validate(); err == nil {
		t.Fatal("description with DEL accepted")
	}
	s.Description = "a \"b\" \\ <&> é \u2028 \t"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	got := string(s.canonicalJSON(s.c.Load()))
	want := `{"claims":[{"description":"x","enum":["b","a"],"key":1,"max_length":3,"name":"a","required":true,"type":"string"},{"key":2,"name":"z","type":"date"}],"description":"a \"b\" \\ <&> é ` + "\u2028" + ` \t","id":64,"min_level":"low","name":"t","version":1}`
	if got != want {
		t.Errorf("canonical JSON\n got %s\nwant %s", got, want)
	}
	if s.Digest() != s.digest(nil) {
		t.Error("digest differs between compiled and uncompiled paths")
	}
}

func TestBuiltin(t *testing.T) {
	r := Builtin()
	if got := strings.Join(r.Names(), ","); got != "identity,ticket" {
		t.Errorf("Names = %s", got)
	}
	id, ok := r.ByID(IdentityID)
	if !ok || id.Name != IdentityName || id.Version != 1 || id.MinLevel != credential.LevelSubstantial {
		t.Errorf("identity = %+v", id)
	}
	tk, ok := r.ByID(TicketID)
	if !ok || tk.Name != TicketName || tk.MinLevel != credential.LevelLow {
		t.Errorf("ticket = %+v", tk)
	}
	// The embedded files parse on their own, and each call gives a new
	// registry.
	for _, f := range []string{"identity.json", "ticket.json"} {
		data, err := os.ReadFile(filepath.Join("builtin", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseSchema(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := r.Add(&Schema{Name: "extra", ID: 64, Version: 1, MinLevel: 1, Claims: []Claim{{Name: "a", Key: 1, Type: TypeBool}}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := Builtin().ByName("extra"); ok {
		t.Error("Builtin registries share state")
	}
	if len(r.Schemas()) != 3 || r.Schemas()[2].Name != "extra" {
		t.Errorf("Schemas = %v", r.Schemas())
	}
}
