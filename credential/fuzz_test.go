package credential

import (
	"bytes"
	"crypto/ed25519"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/netcred/netcred/internal/strictcbor"
	"github.com/netcred/netcred/spec"
)

// seedCOSE returns signed credentials of both shapes to seed the fuzzers.
func seedCOSE(tb testing.TB) [][]byte {
	full := referenceClaims()
	full.Issuer, full.Subject, full.ID = "gov.cn", "subject-1", []byte{1, 2, 3, 4}
	full.NotBefore = full.IssuedAt.Add(time.Hour)
	full.Confirmation, _ = MarshalConfirmation(ed25519.NewKeyFromSeed(make([]byte, 32)).Public())
	bare := referenceClaims()
	bare.Status = nil
	return [][]byte{
		signTB(tb, referenceClaims(), EdDSA, testKey),
		signTB(tb, full, EdDSA, testKey),
		signTB(tb, bare, EdDSA, testKey),
	}
}

// FuzzParse feeds arbitrary bytes to Parse and, when it accepts them, to
// Verify and Inspect: no panic, no result with an error, and an accepted
// claims set re-encodes to the same payload bytes.
func FuzzParse(f *testing.F) {
	for _, s := range seedCOSE(f) {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(append([]byte{0xd2, 0x9f}, s[2:]...))
	}
	for _, b := range vectorCOSE(f) {
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			if s != nil {
				t.Fatal("Parse returned a message and an error")
			}
			return
		}
		c, err := s.Inspect()
		if err != nil {
			if c != nil {
				t.Fatal("Inspect returned claims and an error")
			}
			return
		}
		again, err := c.MarshalCBOR()
		if err != nil {
			t.Fatalf("accepted claims do not re-encode: %v", err)
		}
		var c2 Claims
		if err := c2.UnmarshalCBOR(again); err != nil {
			t.Fatalf("re-encoded claims do not decode: %v", err)
		}
		if again2, _ := c2.MarshalCBOR(); !bytes.Equal(again, again2) {
			t.Fatalf("claims encoding is not stable:\n%x\n%x", again, again2)
		}
		if c3, err := s.Verify(EdDSA, testKey.Public()); err == nil && c3 == nil {
			t.Fatal("Verify returned no claims and no error")
		}
	})
}

// FuzzDecodeQR: no panic, nil on error, and accepted text re-encodes to
// text that decodes to the same bytes.
func FuzzDecodeQR(f *testing.F) {
	for _, s := range seedCOSE(f) {
		text, err := EncodeQR(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(text)
		f.Add(QRPrefix + b45(s))
		f.Add(text[:len(text)-2])
	}
	f.Add(QRPrefix + b45(deflateTB(f, make([]byte, 1<<16))))
	f.Add("HC1:NCFOXN%TS3DH")
	f.Add(QRPrefix)
	vectors, err := spec.LoadVectors()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range vectors {
		if v.Input != "" && len(v.Input) < 1<<12 {
			f.Add(v.Input)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		b, err := DecodeQR(text)
		if err != nil {
			if b != nil {
				t.Fatal("DecodeQR returned bytes and an error")
			}
			return
		}
		if len(b) > MaxSize || b[0] != 0xd2 {
			t.Fatalf("DecodeQR returned %d bytes starting %x", len(b), b[0])
		}
		again, err := EncodeQR(b)
		if err != nil {
			t.Fatalf("EncodeQR of accepted bytes: %v", err)
		}
		back, err := DecodeQR(again)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("re-encoded text does not round-trip: %v", err)
		}
	})
}

// FuzzClaimsDecoders holds the hand-written claims decoder to fxamacker/cbor:
// whatever the lean decoder accepts, the library's strict decoder accepts
// with the same result. (The lean one may refuse more.)
func FuzzClaimsDecoders(f *testing.F) {
	for _, s := range seedCOSE(f) {
		m, err := Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m.Payload())
	}
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa1, 0x01, 0x61, 0x41})
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkCanonical(data) != nil || hasNumericTextKey(data) {
			return // fxamacker matches text "1" to the field of int key 1; CWT does not
		}
		lean, err := decodeClaims(data)
		if err != nil {
			return
		}
		var ref wireClaims
		if err := decMode.Unmarshal(data, &ref); err != nil {
			t.Fatalf("lean decoder accepted what fxamacker refuses: %v", err)
		}
		if !reflect.DeepEqual(normalise(lean), normalise(fromWire(ref))) {
			t.Fatalf("decoders disagree:\nlean %#v\n ref %#v", lean, ref)
		}
	})
}

// fromWire converts the reference decoder's result to the lean form.
func fromWire(w wireClaims) leanClaims {
	l := leanClaims{Iss: w.Iss, Sub: w.Sub, Exp: w.Exp, Nbf: w.Nbf, Iat: w.Iat, Cti: w.Cti, Cnf: w.Cnf, HasNbf: w.Nbf != 0}
	if w.Status != nil && w.Status.StatusList != nil {
		l.Status = &StatusRef{Index: w.Status.StatusList.Idx, URI: w.Status.StatusList.URI}
	}
	if w.NC != nil {
		l.NC, l.HasNC = *w.NC, true
		for k, v := range l.NC.Attributes {
			l.NC.Attributes[k] = leanByteStrings(v)
		}
	}
	return l
}

// leanByteStrings turns the library's ByteString map keys inside an
// attribute into strictcbor's, as strictcbor.Value returns them.
func leanByteStrings(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = leanByteStrings(x[i])
		}
	case map[any]any:
		m := make(map[any]any, len(x))
		for k, e := range x {
			if bs, ok := k.(cbor.ByteString); ok {
				k = strictcbor.ByteString(bs)
			}
			m[k] = leanByteStrings(e)
		}
		return m
	}
	return v
}

// normalise makes empty and nil byte slices and maps compare equal.
func normalise(w leanClaims) leanClaims {
	if len(w.Cti) == 0 {
		w.Cti = nil
	}
	if len(w.Cnf) == 0 {
		w.Cnf = nil
	}
	if len(w.NC.Attributes) == 0 {
		w.NC.Attributes = nil
	}
	return w
}

// hasNumericTextKey reports whether a claims map has a text key that spells
// an integer, such as "1".
func hasNumericTextKey(data []byte) bool {
	var m map[any]any
	if decMode.Unmarshal(data, &m) != nil {
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
