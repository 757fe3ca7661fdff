package credential

import (
	"fmt"

	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
)

// Limits on what a decoder accepts. A credential is a few hundred bytes; the
// limits are generous for that and small enough that no input can make a
// verifier spend real memory or time.
const (
	// MaxSize is the largest COSE_Sign1 accepted, and the cap on inflating
	// the compressed QR form.
	MaxSize = 4096
	// MaxQRTextLen is the longest QR text accepted, counted in bytes
	// before any whitespace is trimmed (base45 of MaxSize plus the prefix
	// and some whitespace).
	MaxQRTextLen = 4 + MaxSize*3/2 + 64
	// maxItems bounds the length of any CBOR array or map.
	maxItems = strictcbor.MaxItems
)

// encMode writes RFC 8949 §4.2.1 Core Deterministic Encoding; decMode
// reads strictly (see package strictcbor, the one home of these rules).
var (
	encMode = cbormode.EncMode
	decMode = cbormode.DecMode
)

// checkCanonical reports whether b is exactly one well-formed CBOR data item
// in netcred's strict profile (strictcbor.Check), as an ErrMalformed whose
// Reason names the rule broken.
func checkCanonical(b []byte) error {
	if err := strictcbor.Check(b); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// head decodes the head of the item at b[off:] (strictcbor.Head).
func head(b []byte, off int) (major byte, arg uint64, next int, err error) {
	major, arg, next, err = strictcbor.Head(b, off)
	if err != nil {
		err = fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return major, arg, next, err
}

// itemEnd returns the offset after the item at b[off:] of a buffer that
// checkCanonical accepted (strictcbor.ItemEnd).
func itemEnd(b []byte, off int) (int, error) {
	n, err := strictcbor.ItemEnd(b, off)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return n, nil
}
