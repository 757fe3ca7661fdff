package schemas

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// wval is a claim's checked wire value, in the form the rules use: n for
// date, time and int claims, s for string and prc_id claims.
type wval struct {
	n int64
	s string
}

// checkWire checks v, a wire-form value of the claim, and fills w. It is the
// one validation that Decode and (after converting) Encode share.
func (cl *cclaim) checkWire(v any, w *wval) (rule string, err error) {
	switch cl.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return CheckType, wireTypeError(v, "a text string")
		}
		w.s = s
		return cl.checkString(s)
	case TypePRCID:
		s, ok := v.(string)
		if !ok {
			return CheckType, wireTypeError(v, "a text string")
		}
		w.s = s
		_, rule, err := checkPRCID(s)
		return rule, err
	case TypeDate, TypeTime, TypeInt:
		n, ok, overflow := wireInt(v)
		if !ok {
			return CheckType, wireTypeError(v, "an integer")
		}
		if overflow {
			return CheckRange, errorf(ErrInvalidClaim, "is an integer above 2^63-1")
		}
		w.n = n
		switch {
		case cl.Type == TypeDate && (n < minDay || n > maxDay):
			return CheckRange, errorf(ErrInvalidClaim, "day %d is outside years 0001 to 9999", n)
		case cl.Type == TypeTime && (n < minTime || n > maxTime):
			return CheckRange, errorf(ErrInvalidClaim, "time %d is outside years 0001 to 9999", n)
		}
		return "", nil
	case TypeBool:
		if _, ok := v.(bool); !ok {
			return CheckType, wireTypeError(v, "a boolean")
		}
		return "", nil
	case TypeSHA256:
		b, ok := v.([]byte)
		if !ok {
			return CheckType, wireTypeError(v, "a byte string")
		}
		if len(b) != sha256Size {
			return CheckFormat, errorf(ErrInvalidClaim, "has %d bytes, want %d", len(b), sha256Size)
		}
		return "", nil
	}
	return CheckType, errorf(ErrInvalidClaim, "unknown type %q", cl.Type)
}

const sha256Size = 32

// checkString checks a string claim's value: valid UTF-8, not empty, none
// of the forbidden characters (forbiddenRune), within the length limit in
// code points, the format and the enum (compared code point by code point,
// with no normalization).
func (cl *cclaim) checkString(s string) (rule string, err error) {
	if s == "" {
		return CheckFormat, errorf(ErrInvalidClaim, "is empty")
	}
	n := 0
	for _, r := range s {
		if r == utf8.RuneError {
			if !utf8.ValidString(s) {
				return CheckFormat, errorf(ErrInvalidClaim, "is not valid UTF-8")
			}
		}
		if forbiddenRune(r) {
			return CheckFormat, errorf(ErrInvalidClaim, "has a forbidden character (U+%04X: %s)", r, forbiddenWhat(r))
		}
		n++
	}
	if n > cl.maxLen {
		return CheckMaxLength, errorf(ErrInvalidClaim, "has %d characters, at most %d", n, cl.maxLen)
	}
	if cl.Format == FormatCountryAlpha3 && !isCountryAlpha3(s) {
		return CheckFormat, errorf(ErrInvalidClaim, "is %s, want an assigned ISO 3166-1 alpha-3 code in upper case, such as \"CHN\"", quoteShort(s))
	}
	if len(cl.Enum) > 0 && !slices.Contains(cl.Enum, s) {
		return CheckEnum, errorf(ErrInvalidClaim, "is %s, want one of %s", quoteShort(s), quoteList(cl.Enum))
	}
	return "", nil
}

// forbiddenRune reports whether a string claim may not hold r
// (credential.md §5): the control characters (general category Cc,
// U+0000-U+001F and U+007F-U+009F), the line and paragraph separators
// U+2028 and U+2029, and the bidirectional formatting characters U+061C,
// U+200E, U+200F, U+202A-U+202E and U+2066-U+2069, which let a string
// display as another.
func forbiddenRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func forbiddenWhat(r rune) string {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return "a control character"
	case r == 0x2028, r == 0x2029:
		return "a line or paragraph separator"
	}
	return "a bidirectional formatting character"
}

// toJSON returns the JSON form of a wire value that checkWire accepted.
func (cl *cclaim) toJSON(v any, w *wval) any {
	switch cl.Type {
	case TypeDate:
		return formatDate(w.n)
	case TypeTime:
		return formatTime(w.n)
	case TypeInt:
		if _, ok := v.(int64); ok {
			return v
		}
		return w.n
	case TypeSHA256:
		var buf [2 * sha256Size]byte
		hex.Encode(buf[:], v.([]byte))
		return string(buf[:])
	}
	return v // string, prc_id, bool: the same value
}

// fromJSON converts a JSON-form value of the claim to its canonical wire
// value (string, int64, []byte or bool). It checks only what the
// conversion needs; checkWire does the rest.
func (cl *cclaim) fromJSON(v any) (wire any, rule string, err error) {
	if v == nil {
		return nil, CheckType, errorf(ErrInvalidClaim, "is null (leave out a claim that has no value)")
	}
	switch cl.Type {
	case TypeString:
		if _, ok := v.(string); !ok {
			return nil, CheckType, jsonTypeError(v, "a string")
		}
		return v, "", nil
	case TypePRCID:
		s, ok := v.(string)
		if !ok {
			return nil, CheckType, jsonTypeError(v, "a string")
		}
		if len(s) == 18 && s[17] == 'x' {
			return s[:17] + "X", "", nil
		}
		return v, "", nil
	case TypeDate:
		s, ok := v.(string)
		if !ok {
			return nil, CheckType, jsonTypeError(v, "a date string \"YYYY-MM-DD\"")
		}
		d, ok := parseDate(s)
		if !ok {
			return nil, CheckFormat, errorf(ErrInvalidClaim, "is %s, want a calendar date \"YYYY-MM-DD\"", quoteShort(s))
		}
		return d, "", nil
	case TypeTime:
		s, ok := v.(string)
		if !ok {
			return nil, CheckType, jsonTypeError(v, "an RFC 3339 timestamp string")
		}
		t, frac, ok := parseTime(s)
		if frac {
			return nil, CheckFormat, errorf(ErrInvalidClaim, "is %s, which has a fractional second; the wire form holds whole seconds", quoteShort(s))
		}
		if !ok {
			return nil, CheckFormat, errorf(ErrInvalidClaim, "is %s, want an RFC 3339 timestamp such as \"2025-06-01T09:30:00Z\"", quoteShort(s))
		}
		return t, "", nil
	case TypeInt:
		n, rule, err := jsonInt(v)
		if err != nil {
			return nil, rule, err
		}
		return n, "", nil
	case TypeBool:
		if _, ok := v.(bool); !ok {
			return nil, CheckType, jsonTypeError(v, "true or false")
		}
		return v, "", nil
	case TypeSHA256:
		s, ok := v.(string)
		if !ok {
			return nil, CheckType, jsonTypeError(v, "a string of 64 hex digits")
		}
		if len(s) != 2*sha256Size || !isLowerHex(s) {
			return nil, CheckFormat, errorf(ErrInvalidClaim, "is not %d lower-case hex digits", 2*sha256Size)
		}
		b, _ := hex.DecodeString(s)
		return b, "", nil
	}
	return nil, CheckType, errorf(ErrInvalidClaim, "unknown type %q", cl.Type)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// maxExactFloat is 2^53: larger float64 values may not be the integer the
// JSON said.
const maxExactFloat = 1 << 53

// jsonInt converts an integer in JSON form: a json.Number or float64 (as
// encoding/json produces with or without UseNumber) or a Go integer.
func jsonInt(v any) (int64, string, error) {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, "", nil
		} else if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, CheckRange, errorf(ErrInvalidClaim, "%s is out of range for a 64-bit integer", shortText(string(x)))
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return 0, CheckRange, errorf(ErrInvalidClaim, "%s is out of range for a 64-bit integer", shortText(string(x)))
			}
			return 0, CheckType, errorf(ErrInvalidClaim, "%s is not a number", quoteShort(string(x)))
		}
		return floatInt(f, string(x))
	case float64:
		return floatInt(x, strconv.FormatFloat(x, 'g', -1, 64))
	case float32:
		return floatInt(float64(x), strconv.FormatFloat(float64(x), 'g', -1, 32))
	case int:
		return int64(x), "", nil
	case int8:
		return int64(x), "", nil
	case int16:
		return int64(x), "", nil
	case int32:
		return int64(x), "", nil
	case int64:
		return x, "", nil
	case uint:
		return uintInt(uint64(x))
	case uint8:
		return int64(x), "", nil
	case uint16:
		return int64(x), "", nil
	case uint32:
		return int64(x), "", nil
	case uint64:
		return uintInt(x)
	}
	return 0, CheckType, jsonTypeError(v, "an integer")
}

func floatInt(f float64, text string) (int64, string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, CheckType, errorf(ErrInvalidClaim, "%s is not an integer", shortText(text))
	}
	if f > maxExactFloat || f < -maxExactFloat {
		return 0, CheckRange, errorf(ErrInvalidClaim, "%s is too large to be exact; write it without a fraction or exponent", shortText(text))
	}
	return int64(f), "", nil
}

func uintInt(u uint64) (int64, string, error) {
	if u > math.MaxInt64 {
		return 0, CheckRange, errorf(ErrInvalidClaim, "%d is out of range for a 64-bit integer", u)
	}
	return int64(u), "", nil
}

// wireInt returns the integer in a wire value: int64 or uint64 as
// fxamacker/cbor decodes into any, or int. overflow is set for a uint64
// above math.MaxInt64.
func wireInt(v any) (n int64, ok, overflow bool) {
	switch x := v.(type) {
	case int64:
		return x, true, false
	case uint64:
		if x > math.MaxInt64 {
			return 0, true, true
		}
		return int64(x), true, false
	case int:
		return int64(x), true, false
	}
	return 0, false, false
}

func wireTypeError(v any, want string) error {
	return errorf(ErrInvalidClaim, "is %s, want %s", wireTypeName(v), want)
}

func jsonTypeError(v any, want string) error {
	return errorf(ErrInvalidClaim, "is %s, want %s", jsonTypeName(v), want)
}

// wireTypeName names the CBOR type behind a decoded value.
func wireTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a text string"
	case []byte:
		return "a byte string"
	case int64, uint64, int:
		return "an integer"
	case bool:
		return "a boolean"
	case float64, float32:
		return "a float"
	case []any:
		return "an array"
	case map[any]any, map[string]any, map[int64]any:
		return "a map"
	}
	return "a value of Go type " + typeName(v)
}

// jsonTypeName names the JSON type behind a decoded value.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a value of Go type " + typeName(v)
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// quoteShort quotes s for an error message, cut to 40 bytes.
func quoteShort(s string) string {
	return strconv.Quote(shortText(s))
}

func shortText(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func quoteList(ss []string) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s))
	}
	return b.String()
}
