package schemas

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/netcred/netcred/internal/strictjson"
)

// Encode converts claims in JSON form (as encoding/json decodes them, with
// or without UseNumber) to the wire form: a map from claim key to a
// canonical wire value, string, int64, []byte or bool.
//
// It refuses names the schema does not define, null values, missing
// required claims, values of the wrong type or format and broken rules,
// and returns the first problem as a *ClaimError, looking at unknown names
// first, then at each claim in key order, then at the rules in order.
// Integers may be json.Number, float64 (if integral and exact) or any Go
// integer type; a PRC identity number's check character "x" becomes "X".
func (s *Schema) Encode(claims map[string]any) (map[int64]any, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	found := 0
	for i := range c.claims {
		if _, ok := claims[c.claims[i].Name]; ok {
			found++
		}
	}
	if found != len(claims) {
		var unknown []string
		for name := range claims {
			if _, ok := c.byName[name]; !ok {
				unknown = append(unknown, name)
			}
		}
		slices.Sort(unknown)
		return nil, &ClaimError{Claim: unknown[0], Rule: CheckUnknown,
			Err: errorf(ErrUnknownClaim, "not defined by schema %q", s.Name)}
	}
	var vals [MaxKey + 1]wval
	var present uint32
	out := make(map[int64]any, len(claims))
	for i := range c.claims {
		cl := &c.claims[i]
		v, ok := claims[cl.Name]
		if !ok {
			if cl.Required {
				return nil, missing(cl)
			}
			continue
		}
		wire, rule, err := cl.fromJSON(v)
		if err == nil {
			rule, err = cl.checkWire(wire, &vals[cl.Key])
		}
		if err != nil {
			return nil, &ClaimError{Claim: cl.Name, Key: cl.Key, Rule: rule, Err: err}
		}
		present |= 1 << cl.Key
		out[cl.Key] = wire
	}
	if err := c.checkRules(present, &vals); err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeJSON parses a claims document and encodes it with Encode. The
// document is read by internal/strictjson: it must be one JSON object of
// at most MaxClaimsJSONSize bytes, in UTF-8 without a byte-order mark or
// lone surrogate escapes, with no member name twice and nothing after it;
// numbers are kept exact (json.Number). Errors from reading wrap
// ErrMalformed or ErrTooLarge and the strictjson sentinel (such as
// strictjson.ErrBOM or strictjson.ErrDuplicateMember), and name the member
// by its JSON path.
func (s *Schema) EncodeJSON(data []byte) (map[int64]any, error) {
	if _, err := s.compile(); err != nil {
		return nil, err
	}
	claims, err := ParseClaimsJSON(data)
	if err != nil {
		return nil, err
	}
	return s.Encode(claims)
}

// ParseClaimsJSON reads a claims document (a claims file) strictly, as
// EncodeJSON does, into its JSON form: a map from claim name to value, with
// numbers as json.Number. It checks no schema; Encode does.
func ParseClaimsJSON(data []byte) (map[string]any, error) {
	var claims map[string]any
	err := strictjson.Unmarshal(data, &claims, strictjson.MaxSize(MaxClaimsJSONSize), strictjson.UseNumber())
	var se *strictjson.Error
	switch {
	case errors.As(err, &se):
		if errors.Is(se, strictjson.ErrTooLarge) {
			return nil, &jsonError{sentinel: ErrTooLarge, cause: se, msg: "schemas: claims JSON: " + strings.TrimPrefix(se.Error(), "strictjson: ")}
		}
		if errors.Is(se, strictjson.ErrType) && se.Path == "$" || errors.Is(se, strictjson.ErrSyntax) && !startsObject(data) {
			return nil, &jsonError{sentinel: ErrMalformed, cause: se, msg: "schemas: claims JSON is not a JSON object"}
		}
		return nil, &jsonError{sentinel: ErrMalformed, cause: se, msg: "schemas: claims JSON: " + strings.TrimPrefix(se.Error(), "strictjson: ")}
	case err != nil:
		return nil, errorf(ErrMalformed, "schemas: claims JSON: %v", err)
	case claims == nil:
		return nil, errorf(ErrMalformed, "schemas: claims JSON is not a JSON object")
	}
	return claims, nil
}

// startsObject reports whether the first character after white space is
// '{'.
func startsObject(data []byte) bool {
	t := strings.TrimLeft(string(data[:min(len(data), 64)]), " \t\r\n")
	return strings.HasPrefix(t, "{")
}

// Decode converts claims in wire form, as the credential package decodes
// them from CBOR (uint64, int64, string, []byte, bool, and anything else an
// attacker can write), to the JSON form: strings, int64 for int claims,
// bools, dates as "YYYY-MM-DD", times as RFC 3339 UTC, digests as hex.
//
// It validates exactly as Encode does (types, formats, limits, PRC
// identity number checks, rules), refuses keys the schema does not define
// and missing required claims, and returns the first problem as a
// *ClaimError: an unknown key first (the smallest), then each claim in key
// order, then the rules in order. Decode runs in every verification.
func (s *Schema) Decode(attrs map[int64]any) (map[string]any, error) {
	c, err := s.compile()
	if err != nil {
		return nil, err
	}
	var raw [MaxKey + 1]any
	var present uint32
	found := 0
	for i := range c.claims {
		key := c.claims[i].Key
		if v, ok := attrs[key]; ok {
			raw[key] = v
			present |= 1 << key
			found++
		}
	}
	if found != len(attrs) {
		unknown := int64(0)
		first := true
		for k := range attrs {
			if (k < 1 || k > MaxKey || c.byKey[k] < 0) && (first || k < unknown) {
				unknown, first = k, false
			}
		}
		return nil, &ClaimError{Key: unknown, Rule: CheckUnknown,
			Err: errorf(ErrUnknownClaim, "not defined by schema %q", s.Name)}
	}
	var vals [MaxKey + 1]wval
	out := make(map[string]any, found)
	for i := range c.claims {
		cl := &c.claims[i]
		if present&(1<<cl.Key) == 0 {
			if cl.Required {
				return nil, missing(cl)
			}
			continue
		}
		v := raw[cl.Key]
		w := &vals[cl.Key]
		if rule, err := cl.checkWire(v, w); err != nil {
			return nil, &ClaimError{Claim: cl.Name, Key: cl.Key, Rule: rule, Err: err}
		}
		out[cl.Name] = cl.toJSON(v, w)
	}
	if err := c.checkRules(present, &vals); err != nil {
		return nil, err
	}
	return out, nil
}

func missing(cl *cclaim) error {
	return &ClaimError{Claim: cl.Name, Key: cl.Key, Rule: CheckRequired,
		Err: errorf(ErrMissingClaim, "is required but missing")}
}

// checkRules checks the cross-claim rules whose claims are all present.
func (c *compiled) checkRules(present uint32, vals *[MaxKey + 1]wval) error {
	for i := range c.rules {
		r := &c.rules[i]
		if present&(1<<r.keys[0]) == 0 || present&(1<<r.keys[1]) == 0 {
			continue
		}
		a, b := &vals[r.keys[0]], &vals[r.keys[1]]
		var err error
		switch r.kind {
		case RuleBefore:
			if a.n >= b.n {
				err = errorf(ErrInvalidClaim, "is not before %s", r.names[1])
			}
		case RuleBirthDateMatches:
			if birth := prcBirth(b.s); a.n != birth {
				err = errorf(ErrInvalidClaim, "does not agree with %s (%s)", r.names[1], formatDate(birth))
			}
		case RuleSexMatches:
			if want := prcSex(b.s); a.s != want {
				err = errorf(ErrInvalidClaim, "does not agree with %s, whose 17th digit %c means %s", r.names[1], b.s[16], strconv.Quote(want))
			}
		}
		if err != nil {
			return &ClaimError{Claim: r.names[0], Key: r.keys[0], Rule: string(r.kind), Err: err}
		}
	}
	return nil
}
