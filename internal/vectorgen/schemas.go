package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/netcred/netcred/schemas"
	"github.com/netcred/netcred/spec"
)

func init() {
	register(func(g *gen) ([]spec.Vector, error) { return schemaVectors(g), nil })
}

// schemaVectors pins credential.md §5: the prc_id region prefixes and
// birth-year range, the characters a string claim may hold, and
// nationality as a member of the ISO 3166-1 alpha-3 list. Each is an
// identity credential signed by the genuine key with its attributes
// written directly; the generator checks, with schemas.Decode, that each
// invalid one fails for the rule its name gives and each valid one
// passes.
func schemaVectors(g *gen) []spec.Vector {
	identitySchema, _ := schemas.Builtin().ByName(schemas.IdentityName)
	type tc struct {
		name, comment string
		attrs         map[string]any // JSON form; id_number's check character is computed when it has 17 characters
		rule          string         // "" for valid
		wire          map[int64]any  // when set, the attributes as they are, instead of attrs
	}
	person := func(name, id17 string, more ...any) map[string]any {
		id := id17
		if len(id) == 17 {
			id = withCheckChar(id17)
		}
		m := map[string]any{"name": name, "id_number": id, "birth_date": id[6:10] + "-" + id[10:12] + "-" + id[12:14]}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	// A region prefix with the reference number's birth date 1949-12-31.
	region := func(prefix string) map[string]any {
		return person("王小明", (prefix + "0105")[:6]+"19491231002")
	}
	birth := func(yyyymmdd string) map[string]any {
		m := person("王小明", "110105"+yyyymmdd+"002")
		if yyyymmdd == "19000229" {
			m["birth_date"] = "1900-03-01" // any valid date; the id_number fails first
		}
		return m
	}
	name := func(n string) map[string]any { return person(n, "11010519491231002") }
	nat := func(c string) map[string]any { return person("王小明", "11010519491231002", "nationality", c) }

	var cases []tc
	for _, p := range []string{"15", "21", "46", "50", "65", "71", "81", "82", "83", "911", "965"} {
		cases = append(cases, tc{"schema_prc_id_region_" + p + "_valid", "an id_number beginning " + p + ", an accepted region prefix (§5)", region(p), "", nil})
	}
	for _, p := range []string{"00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "84", "90", "910", "971", "981", "99"} {
		cases = append(cases, tc{"schema_invalid_prc_id_region_" + p, "an id_number beginning " + p + ", not an accepted region prefix (§5), with a correct check character", region(p), schemas.CheckRegion, nil})
	}
	cases = append(cases,
		tc{"schema_prc_id_birth_1900_01_01_valid", "the earliest birth date an id_number may hold", birth("19000101"), "", nil},
		tc{"schema_prc_id_birth_2100_12_31_valid", "the latest birth date an id_number may hold", birth("21001231"), "", nil},
		tc{"schema_prc_id_birth_2000_02_29_valid", "a leap day (2000 is a leap year)", birth("20000229"), "", nil},
		tc{"schema_invalid_prc_id_birth_1899_12_31", "an id_number born the day before 1900-01-01", birth("18991231"), schemas.CheckBirthDate, nil},
		tc{"schema_invalid_prc_id_birth_2101_01_01", "an id_number born the day after 2100-12-31", birth("21010101"), schemas.CheckBirthDate, nil},
		tc{"schema_invalid_prc_id_birth_1900_02_29", "an id_number born on 1900-02-29, which is no date (1900 is not a leap year)", birth("19000229"), schemas.CheckBirthDate, nil},

		tc{"schema_string_middle_dot_valid", "a name with U+00B7 MIDDLE DOT, as in many names written in Chinese", name("阿依古丽·买买提"), "", nil},
		tc{"schema_string_spaces_kept_valid", "leading, trailing and inner spaces are neither refused nor trimmed", name(" Wang  Xiaoming "), "", nil},
		tc{"schema_string_zwj_valid", "U+200D ZERO WIDTH JOINER is a format character but not a forbidden one", name("👩\u200d👩\u200d👧"), "", nil},
		tc{"schema_string_not_normalized_valid", "a combining accent (e + U+0301) is kept as it is, not normalized", name("Ren\u0065\u0301e"), "", nil},
		tc{"schema_string_64_code_points_valid", "a name of 64 code points (192 bytes): max_length counts code points", name(strings.Repeat("张", 64)), "", nil},
		tc{"schema_invalid_string_65_code_points", "a name of 65 code points, over its max_length of 64", name(strings.Repeat("张", 65)), schemas.CheckMaxLength, nil},
		tc{"schema_invalid_string_empty", "an empty name", name(""), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_nul", "a name with U+0000", name("王\x00小明"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_newline", "a name with U+000A LINE FEED", name("王小明\nAdmin"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_escape", "a name with U+001B ESCAPE (a terminal colour sequence)", name("\x1b[32mVALID\x1b[0m"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_del", "a name with U+007F DELETE", name("王小明\x7f"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_c1_control", "a name with U+0085 NEXT LINE, a C1 control", name("王小明\u0085"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_line_separator", "a name with U+2028 LINE SEPARATOR", name("王小明\u2028Admin"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_paragraph_separator", "a name with U+2029 PARAGRAPH SEPARATOR", name("王小明\u2029"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_rlo", "a name with U+202E RIGHT-TO-LEFT OVERRIDE, which displays the rest reversed", name("\u202e明小王"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_lrm", "a name with U+200E LEFT-TO-RIGHT MARK", name("王小明\u200e"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_isolate", "a name with U+2067 RIGHT-TO-LEFT ISOLATE", name("\u2067王小明"), schemas.CheckFormat, nil},
		tc{"schema_invalid_string_arabic_letter_mark", "a name with U+061C ARABIC LETTER MARK", name("王小明\u061c"), schemas.CheckFormat, nil},

		tc{"schema_nationality_chn_valid", "nationality CHN", nat("CHN"), "", nil},
		tc{"schema_nationality_zwe_valid", "nationality ZWE, the last code of the list", nat("ZWE"), "", nil},
		tc{"schema_invalid_nationality_unassigned", "nationality ABC: three upper-case letters, but no assigned ISO 3166-1 code", nat("ABC"), schemas.CheckFormat, nil},
		tc{"schema_invalid_nationality_icao_stateless", "nationality XXA (ICAO 9303 stateless person): a user-assigned code, not in the list", nat("XXA"), schemas.CheckFormat, nil},
		tc{"schema_invalid_nationality_deleted", "nationality ANT (Netherlands Antilles, deleted from ISO 3166-1 in 2010)", nat("ANT"), schemas.CheckFormat, nil},
		tc{"schema_invalid_nationality_lower_case", "nationality chn in lower case", nat("chn"), schemas.CheckFormat, nil},
		tc{"schema_invalid_nationality_alpha2", "nationality CN, an alpha-2 code", nat("CN"), schemas.CheckFormat, nil},
	)

	// Wire-form bounds of date and time claims (§5 table).
	for _, c := range []struct {
		name, comment string
		days          int64
	}{
		{"schema_invalid_date_before_0001", "birth_date -719163, the day before 0001-01-01", -719163},
		{"schema_invalid_date_after_9999", "birth_date 2932897, the day after 9999-12-31", 2932897},
	} {
		m := person("王小明", "11010519491231002")
		a := wireAttrs(m)
		a[3] = c.days
		cases = append(cases, tc{c.name, c.comment, nil, schemas.CheckRange, a})
	}

	var out []spec.Vector
	for _, c := range cases {
		attrs := c.wire
		if attrs == nil {
			attrs = wireAttrs(c.attrs)
		}
		claimsJSON, err := identitySchema.Decode(attrs)
		var ce *schemas.ClaimError
		switch {
		case c.rule == "" && err != nil:
			panic(fmt.Sprintf("%s: want valid, schemas.Decode: %v", c.name, err))
		case c.rule != "" && (!asClaimError(err, &ce) || ce.Rule != c.rule):
			panic(fmt.Sprintf("%s: want rule %s, schemas.Decode: %v", c.name, c.rule, err))
		}
		cl := identity()
		cl.Attributes = attrs
		expect := spec.VectorExpect{Code: "schema_invalid", Level: "substantial", Type: "identity"}
		if c.rule == "" {
			expect = spec.VectorExpect{Valid: true, Code: "valid", Level: "substantial", Type: "identity", Claims: claimsJSON}
		}
		out = append(out, spec.Vector{Name: c.name, Comment: c.comment + " (credential.md §5)", Input: qr(g.sign(cl, g.ed)),
			Keys: g.trusted, Policy: spec.VectorPolicy{At: verifyAt}, Expect: expect})
	}
	return append(out, ticketVectors(g)...)
}

// ticketVectors pins the wire form of time claims and the before rule
// with tickets: time is a signed integer from -62135596800
// (0001-01-01T00:00:00Z) to 253402300799 (9999-12-31T23:59:59Z).
func ticketVectors(g *gen) []spec.Vector {
	ticketSchema, _ := schemas.Builtin().ByName(schemas.TicketName)
	const minTime, maxTime = -62135596800, 253402300799
	tk := func(from, until any) map[int64]any {
		return map[int64]any{1: "G1234 Beijing-Shanghai", 3: from, 4: until, 5: "王小明"}
	}
	cases := []struct {
		name, comment string
		attrs         map[int64]any
		rule          string
	}{
		{"schema_time_full_range_valid", "valid_from 0001-01-01T00:00:00Z and valid_until 9999-12-31T23:59:59Z, the bounds of a time claim", tk(int64(minTime), int64(maxTime)), ""},
		{"schema_time_negative_valid", "valid_from -1 (1969-12-31T23:59:59Z): a time claim is a signed integer", tk(int64(-1), int64(0)), ""},
		{"schema_invalid_time_before_0001", "valid_from one second before 0001-01-01T00:00:00Z", tk(int64(minTime-1), int64(0)), schemas.CheckRange},
		{"schema_invalid_time_after_9999", "valid_until one second after 9999-12-31T23:59:59Z", tk(int64(0), int64(maxTime+1)), schemas.CheckRange},
		{"schema_invalid_time_above_int64", "valid_until 2^63, a CBOR unsigned integer above the signed 64-bit range", tk(int64(0), uint64(1)<<63), schemas.CheckRange},
		{"schema_invalid_time_text", "valid_from as the text of an RFC 3339 timestamp instead of an integer", tk("2026-11-26T08:00:00Z", int64(1795687200)), schemas.CheckType},
		{"schema_invalid_before_equal", "valid_from equal to valid_until: before is strict", tk(int64(1795687200), int64(1795687200)), string(schemas.RuleBefore)},
	}
	var out []spec.Vector
	for _, c := range cases {
		claimsJSON, err := ticketSchema.Decode(c.attrs)
		var ce *schemas.ClaimError
		switch {
		case c.rule == "" && err != nil:
			panic(fmt.Sprintf("%s: want valid, schemas.Decode: %v", c.name, err))
		case c.rule != "" && (!asClaimError(err, &ce) || ce.Rule != c.rule):
			panic(fmt.Sprintf("%s: want rule %s, schemas.Decode: %v", c.name, c.rule, err))
		}
		cl := ticket()
		cl.Attributes = c.attrs
		expect := spec.VectorExpect{Code: "schema_invalid", Level: "low", Type: "ticket"}
		if c.rule == "" {
			expect = spec.VectorExpect{Valid: true, Code: "valid", Level: "low", Type: "ticket", Claims: claimsJSON}
		}
		out = append(out, spec.Vector{Name: c.name, Comment: c.comment + " (credential.md §5)", Input: qr(g.sign(cl, g.ed)),
			Keys: g.trusted, Policy: spec.VectorPolicy{At: verifyAt, Types: []string{"ticket"}}, Expect: expect})
	}
	return out
}

// withCheckChar appends the ISO 7064 MOD 11-2 check character to 17 digits.
func withCheckChar(d17 string) string {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d17[i]-'0') * w
	}
	return d17 + string("10X98765432"[sum%11])
}

// wireAttrs writes identity claims in wire form without checking them:
// strings as they are, birth_date as days since 1970-01-01.
func wireAttrs(m map[string]any) map[int64]any {
	keys := map[string]int64{"name": 1, "id_number": 2, "birth_date": 3, "sex": 4, "nationality": 5}
	out := map[int64]any{}
	for k, v := range m {
		if k == "birth_date" {
			d, err := time.Parse(time.DateOnly, v.(string))
			if err != nil {
				panic(err)
			}
			out[3] = d.Unix() / 86400
			continue
		}
		out[keys[k]] = v
	}
	return out
}

func asClaimError(err error, ce **schemas.ClaimError) bool {
	e, ok := err.(*schemas.ClaimError)
	*ce = e
	return ok
}
