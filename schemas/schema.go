package schemas

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/netcred/netcred/credential"
)

// ClaimType is the type of a claim's value. Each type has a JSON form (what
// claims.json holds and verify --json prints) and a wire form (a CBOR value
// in the credential).
type ClaimType string

const (
	// TypeString is text. JSON: a string; wire: a text string. Limited to
	// the claim's MaxLength (or MaxStringLength) characters, and to Enum and
	// Format when the claim sets them. Empty strings, control characters,
	// line and paragraph separators and bidirectional formatting characters
	// are refused (credential.md §5).
	TypeString ClaimType = "string"
	// TypeDate is a calendar date. JSON: "YYYY-MM-DD"; wire: an integer,
	// the days since 1970-01-01 (the content of RFC 8943 tag 100, untagged;
	// negative before 1970). Years 0001 to 9999.
	TypeDate ClaimType = "date"
	// TypeTime is an instant with whole seconds. JSON: an RFC 3339
	// timestamp (any offset on input, UTC "Z" on output); wire: an integer,
	// the seconds since 1970-01-01T00:00:00Z. Years 0001 to 9999.
	TypeTime ClaimType = "time"
	// TypeInt is a signed 64-bit integer. JSON: a number with no fraction;
	// wire: a CBOR integer.
	TypeInt ClaimType = "int"
	// TypeBool is true or false, in both forms.
	TypeBool ClaimType = "bool"
	// TypeSHA256 is a SHA-256 digest. JSON: 64 lower-case hex digits; wire:
	// a 32-byte byte string.
	TypeSHA256 ClaimType = "sha256"
	// TypePRCID is a PRC resident identity number (GB 11643-1999): 17 digits
	// and a check character, with a valid province code, birth date and ISO
	// 7064 MOD 11-2 check character. JSON and wire: the 18 characters as
	// text, check character "X" in upper case (Encode accepts "x" and
	// writes "X"; Decode refuses "x").
	TypePRCID ClaimType = "prc_id"
)

var claimTypes = []ClaimType{TypeString, TypeDate, TypeTime, TypeInt, TypeBool, TypeSHA256, TypePRCID}

// Valid reports whether t is one of the defined claim types.
func (t ClaimType) Valid() bool { return slices.Contains(claimTypes, t) }

// Formats that a string claim may require (Claim.Format).
const (
	// FormatCountryAlpha3 is an officially assigned ISO 3166-1 alpha-3
	// country code in upper case, such as "CHN": one of the 249 codes of
	// CountryAlpha3Codes (credential.md §5). User-assigned codes (such as
	// ICAO's XXA for stateless persons) and deleted ones are refused.
	FormatCountryAlpha3 = "country_alpha3"
)

// Limits on schemas and claims.
const (
	// MaxKey is the largest claim key: keys 1 to 23 encode in one CBOR byte.
	MaxKey = 23
	// MaxStringLength is the longest string claim, in characters (runes),
	// and the limit for a string claim that sets no MaxLength.
	MaxStringLength = 1024
	// MaxEnum is the largest number of values in a claim's Enum.
	MaxEnum = 64
	// MaxID is the largest schema id; an id encodes in at most three CBOR
	// bytes.
	MaxID = 65535
	// MaxVersion is the largest schema version; a version encodes in at
	// most three CBOR bytes.
	MaxVersion = 65535
	// MinOperatorID is the lowest id of an operator-defined type. Ids 1 to
	// 63 are reserved for types defined by the netcred specification
	// (identity is 1, ticket is 2); LoadFile refuses them.
	MinOperatorID = 64
	// MaxSchemaSize is the largest schema file ParseSchema accepts.
	MaxSchemaSize = 64 << 10
	// MaxClaimsJSONSize is the largest claims document EncodeJSON accepts.
	MaxClaimsJSONSize = 64 << 10
)

// Names of the checks on one claim, as reported in ClaimError.Rule.
// Cross-claim rules are reported by their RuleKind.
const (
	CheckUnknown   = "unknown"    // the claim is not in the schema
	CheckRequired  = "required"   // a required claim is absent
	CheckType      = "type"       // the value has the wrong JSON or wire type
	CheckFormat    = "format"     // the value is not in the type's or the claim's format
	CheckRange     = "range"      // a number, date or time outside its range
	CheckMaxLength = "max_length" // a string longer than the claim's limit
	CheckEnum      = "enum"       // a string outside the claim's Enum
	CheckRegion    = "region"     // a PRC identity number with an unknown province code
	CheckBirthDate = "birth_date" // a PRC identity number with an impossible birth date
	CheckChecksum  = "checksum"   // a PRC identity number with a wrong check character
)

// Claim describes one claim of a credential type.
type Claim struct {
	// Name is the claim's name in the JSON form: 1 to 32 characters
	// a-z, 0-9 and _, starting with a letter. Unique in its schema.
	Name string `json:"name"`
	// Key is the claim's key in the wire form, 1 to MaxKey so that it
	// encodes in one byte. Unique in its schema.
	Key int64 `json:"key"`
	// Type is the type of the claim's value.
	Type ClaimType `json:"type"`
	// Required claims must be present; others may be omitted (but, when
	// present, must not be null).
	Required bool `json:"required,omitempty"`
	// MaxLength limits a string claim, in characters; 0 means
	// MaxStringLength. Only for TypeString.
	MaxLength int `json:"max_length,omitempty"`
	// Enum, when not empty, lists the values a string claim may take. Only
	// for TypeString.
	Enum []string `json:"enum,omitempty"`
	// Format, when not empty, names a format a string claim must have
	// (FormatCountryAlpha3). Only for TypeString.
	Format string `json:"format,omitempty"`
	// Description is for people.
	Description string `json:"description,omitempty"`
}

// RuleKind names a cross-claim rule.
type RuleKind string

const (
	// RuleBefore: Claims[0] is strictly before (less than) Claims[1]. Both
	// claims have the same type, date, time or int.
	RuleBefore RuleKind = "before"
	// RuleBirthDateMatches: the date claim Claims[0] equals the birth date
	// inside the prc_id claim Claims[1].
	RuleBirthDateMatches RuleKind = "birth_date_matches"
	// RuleSexMatches: the string claim Claims[0] agrees with the 17th digit
	// of the prc_id claim Claims[1] (GB 11643: odd for male, even for
	// female): "M" with an odd digit, "F" with an even one. Claims[0] must
	// have an Enum drawn from "F" and "M".
	RuleSexMatches RuleKind = "sex_matches"
)

// Rule is a constraint between claims. A rule is checked only when all the
// claims it names are present.
type Rule struct {
	// Kind is the rule.
	Kind RuleKind `json:"rule"`
	// Claims names the claims the rule relates, in the order the rule
	// defines.
	Claims []string `json:"claims"`
}

// Schema is a credential type: its name and wire id, its version, the lowest
// assurance level it may be issued at, its claims and the rules between them.
//
// A Schema is ready for use once ParseSchema returned it or Validate, Add or
// NewRegistry accepted it; it must not be modified afterwards, and is then
// safe for concurrent use.
type Schema struct {
	// Name is the type's name, such as "identity": 1 to 32 characters
	// a-z, 0-9 and _, starting with a letter.
	Name string `json:"name"`
	// ID is the type's code on the wire, 1 to MaxID. Ids below
	// MinOperatorID are reserved for types the netcred specification
	// defines; operator-defined types use MinOperatorID to MaxID (and
	// 64..255 keep the code to two bytes).
	ID uint64 `json:"id"`
	// Version is the schema's version, 1 to MaxVersion, carried on the wire.
	Version uint64 `json:"version"`
	// MinLevel is the lowest assurance level this type may be issued at.
	MinLevel credential.Level `json:"min_level"`
	// Description is for people.
	Description string `json:"description,omitempty"`
	// Claims are the type's claims, at most MaxKey.
	Claims []Claim `json:"claims"`
	// Rules are the cross-claim rules.
	Rules []Rule `json:"rules,omitempty"`

	c atomic.Pointer[compiled]
}

// compiled is a validated schema, prepared for Encode and Decode.
type compiled struct {
	claims []cclaim         // sorted by key
	byKey  [MaxKey + 1]int8 // key -> index in claims, -1 if none
	byName map[string]int
	rules  []crule
	digest string
}

type cclaim struct {
	Claim
	maxLen int
}

type crule struct {
	kind  RuleKind
	names [2]string
	keys  [2]int64
}

// compile returns the compiled form of s, validating it first when it has
// not been compiled yet.
func (s *Schema) compile() (*compiled, error) {
	if c := s.c.Load(); c != nil {
		return c, nil
	}
	return s.recompile()
}

func (s *Schema) recompile() (*compiled, error) {
	c, err := s.build()
	if err != nil {
		return nil, err
	}
	s.c.Store(c)
	return c, nil
}

// Validate checks the schema definition: the name, id, version and level,
// every claim (name, key, type and the limits that fit the type) and every
// rule (kind, number and types of its claims). It returns a *SchemaError
// wrapping ErrInvalidSchema. A schema that passes is ready for use.
func (s *Schema) Validate() error {
	_, err := s.recompile()
	return err
}

func (s *Schema) build() (*compiled, error) {
	fail := func(claim, format string, args ...any) error {
		return &SchemaError{Schema: s.Name, Claim: claim, Err: errorf(ErrInvalidSchema, format, args...)}
	}
	if !validName(s.Name) {
		return nil, &SchemaError{Err: errorf(ErrInvalidSchema, "name %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", s.Name)}
	}
	if s.ID < 1 || s.ID > MaxID {
		return nil, fail("", "id %d is outside 1..%d", s.ID, MaxID)
	}
	if s.Version < 1 || s.Version > MaxVersion {
		return nil, fail("", "version %d is outside 1..%d", s.Version, MaxVersion)
	}
	if !s.MinLevel.Valid() {
		return nil, fail("", "min_level is missing or invalid (want low, substantial or high)")
	}
	if !validText(s.Description) {
		return nil, fail("", "description is not valid UTF-8 or has control characters other than newlines")
	}
	if len(s.Claims) == 0 {
		return nil, fail("", "no claims")
	}
	if len(s.Claims) > MaxKey {
		return nil, fail("", "%d claims, at most %d", len(s.Claims), MaxKey)
	}
	c := &compiled{byName: make(map[string]int, len(s.Claims))}
	for i := range c.byKey {
		c.byKey[i] = -1
	}
	byKey := make(map[int64]string, len(s.Claims))
	for _, cl := range s.Claims {
		if !validName(cl.Name) {
			return nil, fail("", "claim name %q: want 1 to 32 characters a-z, 0-9 and _, starting with a letter", cl.Name)
		}
		if _, dup := c.byName[cl.Name]; dup {
			return nil, fail(cl.Name, "defined more than once")
		}
		c.byName[cl.Name] = -1
		if cl.Key < 1 || cl.Key > MaxKey {
			return nil, fail(cl.Name, "key %d is outside 1..%d (a key must encode in one byte)", cl.Key, MaxKey)
		}
		if other, dup := byKey[cl.Key]; dup {
			return nil, fail(cl.Name, "key %d is also the key of claim %q", cl.Key, other)
		}
		byKey[cl.Key] = cl.Name
		if !cl.Type.Valid() {
			return nil, fail(cl.Name, "unknown type %q (want string, date, time, int, bool, sha256 or prc_id)", cl.Type)
		}
		if !validText(cl.Description) {
			return nil, fail(cl.Name, "description is not valid UTF-8 or has control characters other than newlines")
		}
		cc := cclaim{Claim: cl, maxLen: MaxStringLength}
		cc.Enum = slices.Clone(cl.Enum)
		if cl.Type != TypeString {
			switch {
			case cl.MaxLength != 0:
				return nil, fail(cl.Name, "max_length applies only to string claims, not %s", cl.Type)
			case len(cl.Enum) != 0:
				return nil, fail(cl.Name, "enum applies only to string claims, not %s", cl.Type)
			case cl.Format != "":
				return nil, fail(cl.Name, "format applies only to string claims, not %s", cl.Type)
			}
		}
		if cl.MaxLength < 0 || cl.MaxLength > MaxStringLength {
			return nil, fail(cl.Name, "max_length %d is outside 1..%d", cl.MaxLength, MaxStringLength)
		}
		if cl.MaxLength > 0 {
			cc.maxLen = cl.MaxLength
		}
		switch cl.Format {
		case "", FormatCountryAlpha3:
		default:
			return nil, fail(cl.Name, "unknown format %q (want %s)", cl.Format, FormatCountryAlpha3)
		}
		if len(cl.Enum) > MaxEnum {
			return nil, fail(cl.Name, "enum has %d values, at most %d", len(cl.Enum), MaxEnum)
		}
		for i, v := range cl.Enum {
			if slices.Contains(cl.Enum[:i], v) {
				return nil, fail(cl.Name, "enum value %q appears twice", v)
			}
			// An enum value must itself be a valid value of the claim.
			tmp := cclaim{Claim: Claim{Name: cl.Name, Type: TypeString, Format: cl.Format}, maxLen: cc.maxLen}
			if _, err := tmp.checkString(v); err != nil {
				return nil, fail(cl.Name, "enum value %q: %s", v, detailText(err))
			}
		}
		c.claims = append(c.claims, cc)
	}
	slices.SortFunc(c.claims, func(a, b cclaim) int { return int(a.Key - b.Key) })
	for i := range c.claims {
		cl := &c.claims[i]
		c.byKey[cl.Key] = int8(i)
		c.byName[cl.Name] = i
	}
	for i, r := range s.Rules {
		cr, err := c.buildRule(r)
		if err != nil {
			claim := ""
			if len(r.Claims) > 0 {
				if _, ok := c.byName[r.Claims[0]]; ok {
					claim = r.Claims[0]
				}
			}
			return nil, fail(claim, "rule %d (%q): %s", i+1, r.Kind, err)
		}
		for _, old := range c.rules {
			if old == cr {
				return nil, fail("", "rule %d (%q) repeats an earlier rule", i+1, r.Kind)
			}
		}
		c.rules = append(c.rules, cr)
	}
	c.digest = s.digest(c)
	return c, nil
}

// ruleProblem is a plain message; build wraps it in a SchemaError.
type ruleProblem string

func (p ruleProblem) Error() string { return string(p) }

func (c *compiled) buildRule(r Rule) (crule, error) {
	cr := crule{kind: r.Kind}
	if len(r.Claims) != 2 {
		return cr, ruleProblem("names " + strconv.Itoa(len(r.Claims)) + " claims, want 2")
	}
	var cls [2]*cclaim
	for i, n := range r.Claims {
		j, ok := c.byName[n]
		if !ok {
			return cr, ruleProblem("claim " + strconv.Quote(n) + " is not defined")
		}
		cls[i] = &c.claims[j]
		cr.names[i] = n
		cr.keys[i] = cls[i].Key
	}
	if cr.keys[0] == cr.keys[1] {
		return cr, ruleProblem("names claim " + strconv.Quote(cr.names[0]) + " twice")
	}
	t0, t1 := cls[0].Type, cls[1].Type
	switch r.Kind {
	case RuleBefore:
		if t0 != t1 || (t0 != TypeDate && t0 != TypeTime && t0 != TypeInt) {
			return cr, ruleProblem("wants two claims of the same type, date, time or int; have " + string(t0) + " and " + string(t1))
		}
	case RuleBirthDateMatches:
		if t0 != TypeDate || t1 != TypePRCID {
			return cr, ruleProblem("wants a date claim and a prc_id claim; have " + string(t0) + " and " + string(t1))
		}
	case RuleSexMatches:
		if t0 != TypeString || t1 != TypePRCID {
			return cr, ruleProblem("wants a string claim and a prc_id claim; have " + string(t0) + " and " + string(t1))
		}
		if len(cls[0].Enum) == 0 {
			return cr, ruleProblem("claim " + strconv.Quote(cr.names[0]) + " needs an enum drawn from \"F\" and \"M\"")
		}
		for _, v := range cls[0].Enum {
			if v != "F" && v != "M" {
				return cr, ruleProblem("enum value " + strconv.Quote(v) + " of claim " + strconv.Quote(cr.names[0]) + " cannot agree with an identity number (want \"F\" or \"M\")")
			}
		}
	default:
		return cr, ruleProblem("unknown rule (want before, birth_date_matches or sex_matches)")
	}
	return cr, nil
}

// validName reports whether n is 1 to 32 characters a-z, 0-9 and _,
// starting with a letter.
func validName(n string) bool {
	if len(n) == 0 || len(n) > 32 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 1; i < len(n); i++ {
		c := n[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// validText reports whether a description is valid UTF-8 without control
// characters other than newline and tab.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return false
		}
	}
	return true
}

// Claim returns the claim called name.
func (s *Schema) Claim(name string) (Claim, bool) {
	if c, err := s.compile(); err == nil {
		if i, ok := c.byName[name]; ok {
			return c.claims[i].Claim, true
		}
		return Claim{}, false
	}
	for _, cl := range s.Claims {
		if cl.Name == name {
			return cl, true
		}
	}
	return Claim{}, false
}

// ClaimByKey returns the claim with the wire key key.
func (s *Schema) ClaimByKey(key int64) (Claim, bool) {
	if c, err := s.compile(); err == nil {
		if key >= 1 && key <= MaxKey && c.byKey[key] >= 0 {
			return c.claims[c.byKey[key]].Claim, true
		}
		return Claim{}, false
	}
	for _, cl := range s.Claims {
		if cl.Key == key {
			return cl, true
		}
	}
	return Claim{}, false
}

// Digest returns "sha256:" and the lower-case hex SHA-256 of the schema's
// canonical JSON form: the JSON Canonicalization Scheme (RFC 8785) of the
// schema document, with the claims sorted by key and every optional member
// (description, required, max_length, enum, format, rules) left out when it
// is empty, false or zero. Digests identify a schema in the trust bundle;
// any change, descriptions included, changes the digest.
func (s *Schema) Digest() string {
	if c, err := s.compile(); err == nil {
		return c.digest
	}
	return s.digest(nil)
}

func (s *Schema) digest(c *compiled) string {
	sum := sha256.Sum256(s.canonicalJSON(c))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// canonicalJSON writes the schema in RFC 8785 form. Member names are
// written in sorted order by hand; every value is a string, a bool, an
// integer below 2^53 or an array of those.
func (s *Schema) canonicalJSON(c *compiled) []byte {
	claims := make([]Claim, 0, len(s.Claims))
	if c != nil {
		for _, cl := range c.claims {
			claims = append(claims, cl.Claim)
		}
	} else {
		claims = append(claims, s.Claims...)
		slices.SortStableFunc(claims, func(a, b Claim) int {
			switch {
			case a.Key < b.Key:
				return -1
			case a.Key > b.Key:
				return 1
			}
			return 0
		})
	}
	var w jcsWriter
	w.b = append(w.b, '{')
	w.member("claims")
	w.b = append(w.b, '[')
	for i, cl := range claims {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, '{')
		if cl.Description != "" {
			w.member("description")
			w.str(cl.Description)
		}
		if len(cl.Enum) > 0 {
			w.member("enum")
			w.strs(cl.Enum)
		}
		if cl.Format != "" {
			w.member("format")
			w.str(cl.Format)
		}
		w.member("key")
		w.b = strconv.AppendInt(w.b, cl.Key, 10)
		if cl.MaxLength != 0 {
			w.member("max_length")
			w.b = strconv.AppendInt(w.b, int64(cl.MaxLength), 10)
		}
		w.member("name")
		w.str(cl.Name)
		if cl.Required {
			w.member("required")
			w.b = append(w.b, "true"...)
		}
		w.member("type")
		w.str(string(cl.Type))
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
	if s.Description != "" {
		w.member("description")
		w.str(s.Description)
	}
	w.member("id")
	w.b = strconv.AppendUint(w.b, s.ID, 10)
	w.member("min_level")
	w.str(s.MinLevel.String())
	w.member("name")
	w.str(s.Name)
	if len(s.Rules) > 0 {
		w.member("rules")
		w.b = append(w.b, '[')
		for i, r := range s.Rules {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = append(w.b, '{')
			w.member("claims")
			w.strs(r.Claims)
			w.member("rule")
			w.str(string(r.Kind))
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, ']')
	}
	w.member("version")
	w.b = strconv.AppendUint(w.b, s.Version, 10)
	w.b = append(w.b, '}')
	return w.b
}

// jcsWriter appends RFC 8785 JSON.
type jcsWriter struct {
	b []byte
}

// member writes a member name and colon, preceded by a comma unless it is
// the first member of its object.
func (w *jcsWriter) member(name string) {
	if n := len(w.b); n > 0 && w.b[n-1] != '{' {
		w.b = append(w.b, ',')
	}
	w.str(name)
	w.b = append(w.b, ':')
}

func (w *jcsWriter) strs(ss []string) {
	w.b = append(w.b, '[')
	for i, s := range ss {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(s)
	}
	w.b = append(w.b, ']')
}

// str writes s as an RFC 8785 string: only '"', '\\' and control
// characters are escaped, with the short forms where JSON has them and
// \u00xx (lower-case hex) otherwise. Invalid UTF-8 is written as U+FFFD.
func (w *jcsWriter) str(s string) {
	const hexDigits = "0123456789abcdef"
	w.b = append(w.b, '"')
	for _, r := range s {
		switch r {
		case '"':
			w.b = append(w.b, '\\', '"')
		case '\\':
			w.b = append(w.b, '\\', '\\')
		case '\b':
			w.b = append(w.b, '\\', 'b')
		case '\f':
			w.b = append(w.b, '\\', 'f')
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\r':
			w.b = append(w.b, '\\', 'r')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default:
			if r < 0x20 {
				w.b = append(w.b, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
			} else {
				w.b = utf8.AppendRune(w.b, r)
			}
		}
	}
	w.b = append(w.b, '"')
}
