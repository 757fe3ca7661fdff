package status

import (
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
)

// The Status List map keys (draft Section 4.3).
const (
	keyBits           = "bits"
	keyLst            = "lst"
	keyAggregationURI = "aggregation_uri"
)

const (
	// maxEncoded bounds the input Parse looks at: a compressed lst larger
	// than this cannot hold a list within MaxEntries (zlib's worst case is
	// about 5 bytes per 16 KiB more than the input).
	maxEncoded = maxBytes + maxBytes/64 + 1<<10
	// maxURILen bounds aggregation_uri.
	maxURILen = 2048
)

// wireList is the CBOR form of a Status List.
type wireList struct {
	Bits           uint   `cbor:"bits"`
	Lst            []byte `cbor:"lst"`
	AggregationURI string `cbor:"aggregation_uri,omitempty"`
}

// encMode and decMode are netcred's one strict CBOR mode (package
// strictcbor): Core Deterministic Encoding when writing; no duplicate keys,
// indefinite lengths, tags or invalid UTF-8 when reading.
var (
	encMode = cbormode.EncMode
	decMode = cbormode.DecMode
)

// MarshalCBOR returns the list as the draft's Status List CBOR map,
// {"bits": 2, "lst": zlib(Bytes())} plus "aggregation_uri" if set, in Core
// Deterministic Encoding (RFC 8949 Section 4.2.1: shortest forms, keys in
// bytewise order, so "lst" comes before "bits"). The same list always
// marshals to the same bytes.
//
// MarshalCBOR makes List a cbor.Marshaler: a *List can be the value of the
// status_list claim (ClaimStatusList) of a Status List Token directly.
func (l *List) MarshalCBOR() ([]byte, error) {
	if l == nil || len(l.b) == 0 {
		return nil, fmt.Errorf("%w: empty list", ErrInvalidSize)
	}
	z, err := Compress(l.b)
	if err != nil {
		return nil, err
	}
	return encMode.Marshal(wireList{Bits: Bits, Lst: z, AggregationURI: l.aggregationURI})
}

// UnmarshalCBOR sets l to the Status List in data, with the checks of
// Parse. It makes List a cbor.Unmarshaler.
func (l *List) UnmarshalCBOR(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*l = *p
	return nil
}

// Parse decodes a Status List in CBOR form (draft Section 4.3) and inflates
// its byte array. It is strict:
//
//   - data is exactly one CBOR map, without trailing bytes, duplicate keys,
//     indefinite lengths or tags; keys may come in any order;
//   - the keys are "bits" and "lst" and optionally "aggregation_uri"
//     (the three the draft defines); any other key is refused;
//   - "bits" is an unsigned integer equal to 2 (ErrUnsupportedBits for the
//     draft's other sizes 1, 4 and 8);
//   - "lst" is a byte string holding one zlib stream and nothing after it,
//     with a valid checksum, that inflates to between 1 and MaxEntries/4
//     bytes (ErrTooLarge past that, detected without inflating more);
//   - "aggregation_uri", if present, is an absolute URI.
//
// Other failures are ErrMalformed. The list has 4 entries per inflated byte.
func Parse(data []byte) (*List, error) {
	if len(data) > maxEncoded {
		return nil, fmt.Errorf("%w: %d bytes of CBOR", ErrTooLarge, len(data))
	}
	m, err := readListMap(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if m.bits == nil {
		return nil, fmt.Errorf("%w: no %q", ErrMalformed, keyBits)
	}
	bits, err := uintValue(m.bits)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyBits, err)
	}
	switch bits {
	case Bits:
	case 1, 4, 8:
		return nil, fmt.Errorf("%w: bits is %d, netcred lists use %d", ErrUnsupportedBits, bits, Bits)
	default:
		return nil, fmt.Errorf("%w: bits is %d (allowed: 1, 2, 4, 8)", ErrMalformed, bits)
	}
	if m.lst == nil {
		return nil, fmt.Errorf("%w: no %q", ErrMalformed, keyLst)
	}
	lst, err := stringValue(m.lst, 2)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyLst, err)
	}
	l := &List{}
	if m.agg != nil {
		uri, err := stringValue(m.agg, 3)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyAggregationURI, err)
		}
		l.aggregationURI = string(uri)
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

// listMap holds the raw items of a Status List map's members, nil when
// absent.
type listMap struct{ bits, lst, agg []byte }

// readListMap reads data as fxamacker/cbor's strict DecMode reads it into a
// map[string]cbor.RawMessage (which Parse used; FuzzParseReference holds it
// to that): exactly one well-formed item (strictcbor.LooseHead: no
// indefinite lengths, no tags; any argument width), a map whose keys are
// text strings, without duplicates, each one of the three keys of the draft,
// with values well-formed within the nesting and size limits. The values'
// types are checked by Parse, after.
func readListMap(data []byte) (listMap, error) {
	var m listMap
	end, err := looseItemEnd(data, 0, 1)
	if err != nil {
		return m, err
	}
	if end != len(data) {
		return m, errors.New("bytes after the CBOR map")
	}
	major, pairs, off, _ := strictcbor.LooseHead(data, 0)
	if major != 5 {
		return m, errors.New("not a CBOR map")
	}
	for i := uint64(0); i < pairs; i++ {
		kmaj, n, koff, _ := strictcbor.LooseHead(data, off)
		kend, _ := looseItemEnd(data, off, 2)
		vend, _ := looseItemEnd(data, kend, 2)
		off = vend
		if kmaj != 3 {
			return m, errors.New("a map key is not a text string")
		}
		var slot *[]byte
		switch string(data[koff : koff+int(n)]) {
		case keyBits:
			slot = &m.bits
		case keyLst:
			slot = &m.lst
		case keyAggregationURI:
			slot = &m.agg
		default:
			return m, fmt.Errorf("unknown key %q", data[koff:koff+int(n)])
		}
		if *slot != nil {
			return m, fmt.Errorf("duplicate key %q", data[koff:koff+int(n)])
		}
		*slot = data[kend:vend]
	}
	return m, nil
}

// looseItemEnd returns the end of the well-formed item at b[off:], at
// nesting depth depth, by the rules fxamacker/cbor's strict DecMode checks
// before it decodes anything: definite lengths, no tags, nesting at most
// strictcbor.MaxDepth, at most strictcbor.MaxItems entries, no two-byte
// simple value below 32. Unlike strictcbor.Check it accepts non-shortest
// forms, floats and any key order, and leaves UTF-8 to the string that is
// read (stringValue).
func looseItemEnd(b []byte, off, depth int) (int, error) {
	major, arg, next, err := strictcbor.LooseHead(b, off)
	if err != nil {
		return 0, err
	}
	switch major {
	case 2, 3:
		if arg > uint64(len(b)-next) {
			return 0, errors.New("string runs past the end")
		}
		return next + int(arg), nil
	case 4, 5:
		if depth > strictcbor.MaxDepth {
			return 0, fmt.Errorf("nesting deeper than %d", strictcbor.MaxDepth)
		}
		if arg > strictcbor.MaxItems {
			return 0, fmt.Errorf("%d entries (max %d)", arg, strictcbor.MaxItems)
		}
		n := arg
		if major == 5 {
			n *= 2
		}
		for i := uint64(0); i < n; i++ {
			if next, err = looseItemEnd(b, next, depth+1); err != nil {
				return 0, err
			}
		}
		return next, nil
	case 6:
		return 0, errors.New("tags are not allowed")
	case 7:
		if b[off]&0x1f == 24 && arg < 32 {
			return 0, errors.New("invalid simple value")
		}
	}
	return next, nil
}

// uintValue returns the unsigned integer that the well-formed item raw
// holds, in any argument width; any other type is refused, so that no
// conversion between types is ever applied.
func uintValue(raw []byte) (uint64, error) {
	major, arg, _, _ := strictcbor.LooseHead(raw, 0)
	if major != 0 {
		return 0, fmt.Errorf("not of CBOR major type %d", 0)
	}
	return arg, nil
}

// stringValue returns the content of the well-formed item raw, a byte
// string (major 2) or a valid UTF-8 text string (major 3).
func stringValue(raw []byte, major byte) ([]byte, error) {
	m, n, off, _ := strictcbor.LooseHead(raw, 0)
	if m != major {
		return nil, fmt.Errorf("not of CBOR major type %d", major)
	}
	s := raw[off : off+int(n)]
	if major == 3 && !utf8.Valid(s) {
		return nil, errors.New("text string is not valid UTF-8")
	}
	return s, nil
}

func checkAggregationURI(uri string) error {
	if uri == "" {
		return nil
	}
	if len(uri) > maxURILen || !utf8.ValidString(uri) {
		return fmt.Errorf("%w: aggregation_uri too long or not UTF-8", ErrMalformed)
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("%w: aggregation_uri is not an absolute URI", ErrMalformed)
	}
	return nil
}
