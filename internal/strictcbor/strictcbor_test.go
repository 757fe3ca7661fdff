package strictcbor

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("81", n) + "00" }
	tests := []struct {
		name, hex, reason string
	}{
		{"uint", "1818", ""},
		{"map in order", "a201000201", ""},
		{"text", "6161", ""},
		{"false true null", "83f4f5f6", ""},
		{"depth 8", nest(8), ""},
		{"depth 9", nest(9), ReasonDepth},
		{"64 entries", "9840" + strings.Repeat("00", 64), ""},
		{"65 entries", "9841" + strings.Repeat("00", 65), ReasonTooManyItems},
		{"empty", "", ReasonTruncated},
		{"truncated head", "19", ReasonTruncated},
		{"string past end", "62aa", ReasonTruncated},
		{"trailing byte", "0000", ReasonTrailingBytes},
		{"indefinite array", "9f00ff", ReasonIndefinite},
		{"reserved info", "1c", ReasonIndefinite},
		{"non-shortest uint", "1801", ReasonNonShortest},
		{"non-shortest length", "580100", ReasonNonShortest},
		{"non-shortest simple", "f814", ReasonNonShortest},
		{"keys out of order", "a202000100", ReasonKeyOrder},
		{"shorter key first", "a2182000190100 00", ""},
		{"longer key first", "a219010000182000", ReasonKeyOrder},
		{"int before text", "a2616100 0000", ReasonKeyOrder},
		{"duplicate key", "a201000100", ReasonDuplicateKey},
		{"tag", "c100", ReasonTag},
		{"float", "f93c00", ReasonFloatOrSimple},
		{"undefined", "f7", ReasonFloatOrSimple},
		{"bad utf8", "62c328", ReasonInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := hex.DecodeString(strings.ReplaceAll(tt.hex, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			err = Check(b)
			if got := Reason(err); got != tt.reason {
				t.Fatalf("Check(%s): reason %q (%v); want %q", tt.hex, got, err, tt.reason)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
		})
	}
}

// TestItemEndAgrees: on every buffer Check accepts, ItemEnd finds its end.
func TestItemEndAgrees(t *testing.T) {
	for _, h := range []string{"00", "a201000201", "8361616162a0", "83f4f5f6"} {
		b, _ := hex.DecodeString(h)
		if err := Check(b); err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if n, err := ItemEnd(b, 0); err != nil || n != len(b) {
			t.Errorf("ItemEnd(%s) = %d, %v; want %d", h, n, err, len(b))
		}
	}
}
