package status

import (
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
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
	var m map[string]cbor.RawMessage
	if err := decMode.Unmarshal(data, &m); err != nil {
		var extra *cbor.ExtraneousDataError
		if errors.As(err, &extra) {
			return nil, fmt.Errorf("%w: bytes after the CBOR map", ErrMalformed)
		}
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
	if err := decodeAs(rawBits, 0, &bits); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyBits, err)
	}
	switch bits {
	case Bits:
	case 1, 4, 8:
		return nil, fmt.Errorf("%w: bits is %d, netcred lists use %d", ErrUnsupportedBits, bits, Bits)
	default:
		return nil, fmt.Errorf("%w: bits is %d (allowed: 1, 2, 4, 8)", ErrMalformed, bits)
	}
	rawLst, ok := m[keyLst]
	if !ok {
		return nil, fmt.Errorf("%w: no %q", ErrMalformed, keyLst)
	}
	var lst []byte
	if err := decodeAs(rawLst, 2, &lst); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrMalformed, keyLst, err)
	}
	l := &List{}
	if raw, ok := m[keyAggregationURI]; ok {
		if err := decodeAs(raw, 3, &l.aggregationURI); err != nil {
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

// decodeAs decodes raw into v after checking that it is of the CBOR major
// type want (0 unsigned integer, 2 byte string, 3 text string), so that no
// conversion between types is ever applied.
func decodeAs(raw cbor.RawMessage, want byte, v any) error {
	if len(raw) == 0 || raw[0]>>5 != want {
		return fmt.Errorf("not of CBOR major type %d", want)
	}
	return decMode.Unmarshal(raw, v)
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
