package strictcbor_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/internal/strictcbor/cbormode"
)

// FuzzCheck: Check never panics, and what it accepts fxamacker/cbor's
// strict DecMode decodes and re-encodes to the same bytes.
func FuzzCheck(f *testing.F) {
	for _, h := range []string{"00", "a201000201", "9f00ff", "a201000100", "8361616162a0"} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, endErr := strictcbor.ItemEnd(b, 0) // on any input: no panic, never past the end
		if endErr == nil && n > len(b) {
			t.Fatalf("strictcbor.ItemEnd(%x) = %d, past the end", b, n)
		}
		if strictcbor.Check(b) != nil {
			return
		}
		if endErr != nil || n != len(b) {
			t.Fatalf("Check accepted %x, ItemEnd = %d, %v", b, n, endErr)
		}
		var v any
		if err := cbormode.DecMode.Unmarshal(b, &v); err != nil {
			if strings.Contains(err.Error(), "invalid map key type") {
				return // a map or array as a map key: valid CBOR Go cannot hold in an any
			}
			t.Fatalf("Check accepted %x, DecMode refuses: %v", b, err)
		}
		again, err := cbormode.EncMode.Marshal(v)
		if err != nil {
			t.Fatalf("re-encode %x: %v", b, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("accepted %x is not canonical: re-encodes to %x", b, again)
		}
	})
}

// FuzzValue holds Value to fxamacker/cbor's DecMode decoding into an any,
// on every item Check accepts: both refuse (Value with ErrMapKey), or both
// return the same value (the library's ByteString keys as ByteString).
func FuzzValue(f *testing.F) {
	for _, h := range valueSeeds {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if strictcbor.Check(b) != nil {
			_, _ = strictcbor.Value(b) // defined on checked input only, but must not panic
			return
		}
		got, err := strictcbor.Value(b)
		var want any
		refErr := cbormode.DecMode.Unmarshal(b, &want)
		if (err != nil) != (refErr != nil) {
			t.Fatalf("%x: Value error %v; library error %v", b, err, refErr)
		}
		if err != nil {
			if !errors.Is(err, strictcbor.ErrMapKey) {
				t.Fatalf("%x: Value error %v; want ErrMapKey", b, err)
			}
			return
		}
		if want = fromLibrary(want); !reflect.DeepEqual(got, want) {
			t.Fatalf("%x: Value %#v; library %#v", b, got, want)
		}
	})
}

var valueSeeds = []string{
	"00", "20", "3bffffffffffffffff", "3b7fffffffffffffff", "1bffffffffffffffff",
	"40", "4101", "60", "6161", "80", "83f4f5f6", "a0", "a201000201",
	"a1413001", "a2f401f600", "a1818001", "a1a000", "a13bffffffffffffffff00",
	"a2416101616101", "8281a0a1006140", "a13b7fffffffffffffff80",
}

// fromLibrary turns the library's ByteString keys into strictcbor's.
func fromLibrary(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = fromLibrary(x[i])
		}
	case map[any]any:
		m := make(map[any]any, len(x))
		for k, e := range x {
			if bs, ok := k.(cbor.ByteString); ok {
				k = strictcbor.ByteString(bs)
			}
			m[k] = fromLibrary(e)
		}
		return m
	}
	return v
}

func TestValue(t *testing.T) {
	for _, h := range valueSeeds {
		b, _ := hex.DecodeString(h)
		if strictcbor.Check(b) != nil {
			t.Fatalf("seed %s is not canonical", h)
		}
		got, err := strictcbor.Value(b)
		var want any
		refErr := cbormode.DecMode.Unmarshal(b, &want)
		if (err != nil) != (refErr != nil) {
			t.Errorf("%s: got error %v; library error %v", h, err, refErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, fromLibrary(want)) {
			t.Errorf("%s: got %#v; want %#v", h, got, fromLibrary(want))
		}
	}
}

// TestLooseHead: LooseHead reads what Head refuses as non-shortest, and
// refuses what both refuse.
func TestLooseHead(t *testing.T) {
	for _, tc := range []struct {
		hex   string
		arg   uint64
		fails bool
	}{
		{"1801", 1, false}, {"190002", 2, false}, {"1b0000000000000003", 3, false},
		{"17", 23, false}, {"1c", 0, true}, {"9f", 0, true}, {"19ff", 0, true}, {"", 0, true},
	} {
		b, _ := hex.DecodeString(tc.hex)
		_, arg, next, err := strictcbor.LooseHead(b, 0)
		if (err != nil) != tc.fails || (err == nil && (arg != tc.arg || next != len(b))) {
			t.Errorf("LooseHead(%s) = %d, %d, %v; want %d, %d, fails %v", tc.hex, arg, next, err, tc.arg, len(b), tc.fails)
		}
	}
}
