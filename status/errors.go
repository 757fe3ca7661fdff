package status

import "errors"

// Sentinel errors. Functions wrap one of these with %w and add detail;
// callers test with errors.Is.
var (
	// ErrIndexOutOfRange: the index is not below the list's length. A
	// verifier must reject a credential whose index is out of range (the
	// draft's validation rules say no statement can be made about it).
	ErrIndexOutOfRange = errors.New("status: index out of range")
	// ErrInvalidSize: a list size that is not a positive multiple of 4 up to
	// MaxEntries.
	ErrInvalidSize = errors.New("status: invalid list size")
	// ErrInvalidStatus: a status value netcred does not set.
	ErrInvalidStatus = errors.New("status: invalid status value")
	// ErrTooLarge: a list, or its inflated "lst", larger than MaxEntries.
	ErrTooLarge = errors.New("status: status list too large")
	// ErrMalformed: input that is not a well-formed Status List: bad or
	// non-strict CBOR, missing, unknown or mistyped fields, bad zlib.
	ErrMalformed = errors.New("status: malformed status list")
	// ErrUnsupportedBits: a Status List whose "bits" is not 2. The draft
	// also allows 1, 4 and 8; netcred always uses 2.
	ErrUnsupportedBits = errors.New("status: unsupported bits per entry")
	// ErrListFull: every index of the list has been allocated.
	ErrListFull = errors.New("status: no free index left in the list")
	// ErrAggregation: an aggregation index (ParseAggregation) that is not
	// the draft's {"status_lists": [...]} JSON object.
	ErrAggregation = errors.New("status: malformed status list aggregation")
	// ErrAggregationTooLong: an aggregation index naming more than
	// MaxAggregationLists lists; it wraps ErrAggregation too.
	ErrAggregationTooLong = errors.New("status: status list aggregation names too many lists")
)
