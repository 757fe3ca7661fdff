package status

import (
	"fmt"
	"strconv"
)

// Status is the status of one credential, as stored in a Status List.
type Status uint8

// The status values netcred uses (draft Section 7.1). A list has 2 bits per
// entry, so Status(3) can also be read from a list; the draft reserves it
// for application-specific use and netcred gives it no meaning: a verifier
// must treat every value other than Valid as not valid.
const (
	// Valid (draft: VALID, 0x00) is also the value of every unused entry,
	// so that unused indexes cannot be told from issued ones.
	Valid Status = 0
	// Revoked (draft: INVALID, 0x01) is final.
	Revoked Status = 1
	// Suspended (draft: SUSPENDED, 0x02) may be lifted back to Valid.
	Suspended Status = 2
)

// String returns "valid", "revoked", "suspended", or "status(N)" for other
// values.
func (s Status) String() string {
	switch s {
	case Valid:
		return "valid"
	case Revoked:
		return "revoked"
	case Suspended:
		return "suspended"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

const (
	// Bits is the number of bits per entry of every netcred Status List.
	Bits = 2
	// DefaultSize is the number of entries of a new list unless configured
	// otherwise: 2^20 entries, 256 KiB uncompressed, about 14 KB compressed
	// with 1% of entries revoked at random.
	DefaultSize = 1 << 20
	// MaxEntries is the largest list size accepted anywhere, 2^24 entries:
	// New refuses larger sizes and Parse refuses an "lst" that inflates to
	// more than MaxEntries/4 bytes (4 MiB), stopping as soon as it passes
	// that cap. 16 times the default size leaves room for large issuers
	// while keeping a verifier's worst case small enough for a phone.
	MaxEntries = 1 << 24

	entriesPerByte = 8 / Bits
	entryMask      = 1<<Bits - 1
	maxBytes       = MaxEntries / entriesPerByte
)

// List is a Status List with 2 bits per entry: entry i is bits 2(i%4) and
// 2(i%4)+1 of byte i/4, least significant first (draft Section 4.1).
//
// Get may be called from several goroutines at once; Set and
// SetAggregationURI must not run concurrently with any other method.
type List struct {
	b              []byte
	aggregationURI string
}

// New returns a list of size entries, all Valid. size must be a positive
// multiple of 4 (so that the list is a whole number of bytes) and at most
// MaxEntries.
func New(size int) (*List, error) {
	if size <= 0 || size%entriesPerByte != 0 || size > MaxEntries {
		return nil, fmt.Errorf("%w: %d entries (want a positive multiple of %d up to %d)",
			ErrInvalidSize, size, entriesPerByte, MaxEntries)
	}
	return &List{b: make([]byte, size/entriesPerByte)}, nil
}

// FromBytes returns a list over a copy of the packed byte array b, as
// returned by Bytes; it has 4*len(b) entries. It is how an issuer restores a
// list it stored uncompressed.
func FromBytes(b []byte) (*List, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty byte array", ErrInvalidSize)
	}
	if len(b) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), maxBytes)
	}
	return &List{b: append([]byte(nil), b...)}, nil
}

// Len returns the number of entries.
func (l *List) Len() int { return len(l.b) * entriesPerByte }

// Get returns the status at idx. It does not allocate unless idx is out of
// range.
func (l *List) Get(idx uint64) (Status, error) {
	if idx >= uint64(len(l.b))*entriesPerByte {
		return 0, l.outOfRange(idx)
	}
	return Status(l.b[idx/entriesPerByte] >> (idx % entriesPerByte * Bits) & entryMask), nil
}

// Set sets the status at idx to s, which must be Valid, Revoked or
// Suspended. Set does not enforce transitions (that Revoked is final is
// the issuer's policy).
func (l *List) Set(idx uint64, s Status) error {
	if idx >= uint64(len(l.b))*entriesPerByte {
		return l.outOfRange(idx)
	}
	if s > Suspended {
		return fmt.Errorf("%w: %d", ErrInvalidStatus, uint8(s))
	}
	shift := idx % entriesPerByte * Bits
	p := &l.b[idx/entriesPerByte]
	*p = *p&^(entryMask<<shift) | byte(s)<<shift
	return nil
}

func (l *List) outOfRange(idx uint64) error {
	return fmt.Errorf("%w: index %d, list has %d entries", ErrIndexOutOfRange, idx, l.Len())
}

// Bytes returns a copy of the packed, uncompressed byte array.
func (l *List) Bytes() []byte { return append([]byte(nil), l.b...) }

// Count returns how many entries have each status value (index 0 for
// Valid, 1 for Revoked, 2 for Suspended, 3 for the reserved value).
func (l *List) Count() [4]int {
	var n [4]int
	for _, v := range l.b {
		if v == 0 {
			n[Valid] += entriesPerByte
			continue
		}
		for i := 0; i < entriesPerByte; i++ {
			n[v>>(i*Bits)&entryMask]++
		}
	}
	return n
}

// AggregationURI returns the list's optional "aggregation_uri" (draft
// Section 9.2), or "".
func (l *List) AggregationURI() string { return l.aggregationURI }

// SetAggregationURI sets the optional "aggregation_uri" written by
// MarshalCBOR; "" removes it.
func (l *List) SetAggregationURI(uri string) error {
	if err := checkAggregationURI(uri); err != nil {
		return err
	}
	l.aggregationURI = uri
	return nil
}
