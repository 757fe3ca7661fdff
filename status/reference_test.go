package status

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
)

// parseReference is Parse as it was written on fxamacker/cbor's strict
// DecMode, before the hand-written reader (which keeps the verifier free of
// the reflective library): FuzzParseReference holds Parse to it.
func parseReference(data []byte) (*List, error) {
	if len(data) > maxEncoded {
		return nil, fmt.Errorf("%w: %d bytes of CBOR", ErrTooLarge, len(data))
	}
	var m map[string]cbor.RawMessage
	if err := cbormode.DecMode.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	for k := range m {
		if k != keyBits && k != keyLst && k != keyAggregationURI {
			return nil, fmt.Errorf("%w: unknown key %q", ErrMalformed, k)
		}
	}
	rawBits, ok := m[keyBits]
	if !ok {
		return nil, fmt.Errorf("%w: no %q", ErrMalformed, keyBits)
	}
	var bits uint64
	if err := decodeAsReference(rawBits, 0, &bits); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyBits, err)
	}
	switch bits {
	case Bits:
	case 1, 4, 8:
		return nil, fmt.Errorf("%w: bits is %d", ErrUnsupportedBits, bits)
	default:
		return nil, fmt.Errorf("%w: bits is %d", ErrMalformed, bits)
	}
	rawLst, ok := m[keyLst]
	if !ok {
		return nil, fmt.Errorf("%w: no %q", ErrMalformed, keyLst)
	}
	var lst []byte
	if err := decodeAsReference(rawLst, 2, &lst); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyLst, err)
	}
	l := &List{}
	if raw, ok := m[keyAggregationURI]; ok {
		if err := decodeAsReference(raw, 3, &l.aggregationURI); err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyAggregationURI, err)
		}
		if l.aggregationURI == "" {
			return nil, fmt.Errorf("%w: empty %q", ErrMalformed, keyAggregationURI)
		}
		if err := checkAggregationURI(l.aggregationURI); err != nil {
			return nil, err
		}
	}
	b, err := Decompress(lst, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("%w (in %q)", err, keyLst)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: %q inflates to nothing", ErrMalformed, keyLst)
	}
	l.b = b
	return l, nil
}

func decodeAsReference(raw cbor.RawMessage, want byte, v any) error {
	if len(raw) == 0 || raw[0]>>5 != want {
		return fmt.Errorf("not of CBOR major type %d", want)
	}
	return cbormode.DecMode.Unmarshal(raw, v)
}

// sentinelOf names the first of the package's errors that err matches.
func sentinelOf(err error) error {
	for _, s := range []error{ErrTooLarge, ErrUnsupportedBits, ErrMalformed, ErrTokenMalformed} {
		if errors.Is(err, s) {
			return s
		}
	}
	return err
}

// FuzzParseReference: Parse and parseReference accept the same inputs,
// refuse the others with the same sentinel, and return the same list.
func FuzzParseReference(f *testing.F) {
	lst := kv("lst", cborBytes(zlibOf(f, []byte{0xc9, 0x44, 0xf9}, 9)))
	for _, seed := range [][]byte{
		cborMap(kv("bits", cborUint(2)), lst),
		cborMap(lst, kv("bits", cborUint(2))),
		cborMap(kv("bits", []byte{0x18, 0x02}), lst),
		cborMap(kv("bits", cborUint(4)), kv("lst", []byte{0x81, 0x61, 0xff})),
		cborMap(kv("bits", cborUint(4)), kv("lst", []byte{0xf9, 0, 0})),
		cborMap(kv("bits", cborUint(4)), kv("lst", []byte{0xf8, 0x10})),
		cborMap(kv("bits", cborUint(2)), lst, kv("aggregation_uri", cborText("https://e.example/a"))),
		cborMap(kv("bits", cborUint(2)), lst, lst),
		cborMap(kv("bits", cborUint(2)), lst, kv("x", cborUint(1))),
		cat(cborMap(kv("bits", cborUint(2)), lst), []byte{0}),
		{0xa0}, {0xf6}, {0xa1, 0x01, 0x02},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse(data)
		want, refErr := parseReference(data)
		if (err != nil) != (refErr != nil) || sentinelOf(err) != sentinelOf(refErr) {
			t.Fatalf("%x: Parse error %v; reference error %v", data, err, refErr)
		}
		if err == nil && (!bytes.Equal(got.b, want.b) || got.aggregationURI != want.aggregationURI) {
			t.Fatalf("%x: Parse and the reference read different lists", data)
		}
	})
}

// readTokenReference is the claims struct ParseToken decoded with
// fxamacker/cbor before readTokenClaims.
type readTokenReference struct {
	Sub        string          `cbor:"2,keyasint"`
	Exp        int64           `cbor:"4,keyasint"`
	Iat        int64           `cbor:"6,keyasint"`
	TTL        *uint64         `cbor:"65534,keyasint"`
	StatusList cbor.RawMessage `cbor:"65533,keyasint"`
}

// FuzzTokenClaims holds readTokenClaims to fxamacker/cbor on every claims
// set strictcbor.Check accepts: what the hand-written reader accepts, the
// library accepts with the same values. The reader refuses on purpose what
// the library takes: a null ttl (status.md §4), and it ignores text keys
// that spell an integer ("2"), which the library matches to the field.
func FuzzTokenClaims(f *testing.F) {
	l, _ := New(1024)
	lst, _ := l.MarshalCBOR()
	for _, seed := range []readTokenReference{
		{Sub: "https://e.example/1", Exp: 200, Iat: 100, TTL: ptr(uint64(3600)), StatusList: lst},
		{Sub: "s", Exp: -5, Iat: 1 << 62},
		{},
	} {
		b, err := cbormode.EncMode.Marshal(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0xa1, 0x02, 0xf6})
	f.Add([]byte{0xa1, 0x19, 0xff, 0xfe, 0xf6})
	f.Add([]byte{0xa1, 0x61, 0x32, 0x61, 0x78})
	f.Add([]byte{0xa1, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00})
	f.Add([]byte{0xa1, 0x41, 0x02, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		if strictcbor.Check(data) != nil || hasNumericTextKey(data) {
			return
		}
		got, err := readTokenClaims(data)
		var ref readTokenReference
		refErr := cbormode.DecMode.Unmarshal(data, &ref)
		if err != nil {
			return // the reader may be stricter; see the doc comment
		}
		if refErr != nil {
			t.Fatalf("%x: readTokenClaims accepted what the library refuses: %v", data, refErr)
		}
		want := readToken{Sub: ref.Sub, Exp: ref.Exp, Iat: ref.Iat, TTL: ref.TTL, StatusList: ref.StatusList}
		if len(want.StatusList) == 0 {
			want.StatusList = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%x: reader %+v; library %+v", data, got, want)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// hasNumericTextKey reports whether a map has a text key that spells an
// integer, such as "2".
func hasNumericTextKey(data []byte) bool {
	var m map[any]any
	if cbormode.DecMode.Unmarshal(data, &m) != nil {
		return false
	}
	for k := range m {
		if s, ok := k.(string); ok {
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				return true
			}
		}
	}
	return false
}

// TestTokenClaimsRefusals: what readTokenClaims refuses, including what the
// library would have taken (a null ttl).
func TestTokenClaimsRefusals(t *testing.T) {
	for name, h := range map[string]string{
		"array":           "80",
		"bytes key":       "a1410200",
		"key below -2^63": "a13bffffffffffffffff00",
		"text sub":        "a10241aa",
		"exp not int":     "a1046161",
		"exp past int64":  "a1041bffffffffffffffff",
		"null ttl":        "a119fffef6",
		"negative ttl":    "a119fffe20",
		"ttl text":        "a119fffe6161",
		"bool key":        "a1f500",
	} {
		b := unhex(t, h)
		if strictcbor.Check(b) != nil {
			t.Fatalf("%s: %s is not canonical", name, h)
		}
		if _, err := readTokenClaims(b); err == nil {
			t.Errorf("%s: readTokenClaims(%s) accepted; want an error", name, h)
		}
	}
}
