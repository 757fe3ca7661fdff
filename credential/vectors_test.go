package credential

import (
	"errors"
	"testing"

	"github.com/netcred/netcred/spec"
)

// TestMalformedVectorReasons: every malformed conformance vector fails in
// this package (decode, parse, or claims decoding: the steps where
// malformed arises) with the reason it names, and only there.
func TestMalformedVectorReasons(t *testing.T) {
	vectors, err := spec.LoadVectors()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vectors {
		if v.Expect.Code != "malformed" {
			continue
		}
		n++
		t.Run(v.Name, func(t *testing.T) {
			err := decodeAll(v.Input)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v; want ErrMalformed", err)
			}
			if got := Reason(err); got != v.Expect.Reason {
				t.Fatalf("reason %q (%v); want %q", got, err, v.Expect.Reason)
			}
		})
	}
	if n < 50 {
		t.Fatalf("only %d malformed vectors", n)
	}
}

// decodeAll runs the steps of credential.md §8 that can find a credential
// malformed, without the signature: QR text, COSE_Sign1, claims.
func decodeAll(text string) error {
	b, err := DecodeQR(text)
	if err != nil {
		return err
	}
	s, err := Parse(b)
	if err != nil {
		return err
	}
	_, err = s.Inspect()
	return err
}

func TestReason(t *testing.T) {
	if r := Reason(nil); r != "" {
		t.Errorf("Reason(nil) = %q", r)
	}
	if r := Reason(ErrSignatureInvalid); r != "" {
		t.Errorf("Reason(ErrSignatureInvalid) = %q", r)
	}
	err := malformed(ReasonCOSEHeader, "x")
	if !errors.Is(err, ErrMalformed) || Reason(err) != ReasonCOSEHeader {
		t.Errorf("malformed(...): Is %v, Reason %q", errors.Is(err, ErrMalformed), Reason(err))
	}
	if _, err := Parse([]byte{0xd2, 0x9f}); Reason(err) != "cbor_indefinite_length" || !errors.Is(err, ErrMalformed) {
		t.Errorf("Parse of an indefinite array: %v, reason %q", err, Reason(err))
	}
}
