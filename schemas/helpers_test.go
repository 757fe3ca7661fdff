package schemas

import (
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// strictDecMode decodes as strictly as the credential package is meant to:
// no duplicate keys, no indefinite lengths, bounded nesting and sizes.
func strictDecMode(tb testing.TB) cbor.DecMode {
	tb.Helper()
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		MaxNestedLevels:  8,
		MaxArrayElements: 64,
		MaxMapPairs:      64,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		tb.Fatal(err)
	}
	return dm
}
