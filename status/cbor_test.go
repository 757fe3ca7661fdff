package status

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// Vectors from draft-ietf-oauth-status-list-18.
const (
	// Section 4.3: bits 1, byte array b9 a3.
	draftCBOR1Bit = "a2646269747301636c73744a78dadbb918000217015d"
	// Section 4.1: the 2-bit example, byte array c9 44 f9, in CBOR.
	draftCBOR2BitSmall = "a2646269747302636c73744b78da3be9f2130003df0207"
	// Appendix C.2: a 2-bit list of 2^20 entries.
	draftCBOR2BitC2 = `
a2646269747302636c737459013d78daeddb310d00211000412ea1a04004fe5520ed
357c28c81d3312b6df68bc65480000000000406e2101000000000000000000000000
0000000000000000000000000000000000000040795b020000000000000000000000
00000000000000000000000000000000000000000000000000000000000000000000
00000000000000000000000000000000000000000000000000000000000000000000
0080f4ba0400000000000000000000000000406d764a000000000000000000000000
000000000000000000e0922101000000000000000000000000000000000000fc1312
00000000000000000000000000000000000000000000000000000000000000c0912e
01000000000000000000000000000000000000c07d4b020000000000000000000000
00000000a8614a0000000000000000000000406a1fcd60010c`
)

func TestParseDraftVectors(t *testing.T) {
	t.Run("section 4.1 2-bit", func(t *testing.T) {
		l, err := Parse(unhex(t, draftCBOR2BitSmall))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := l.Bytes(), []byte{0xc9, 0x44, 0xf9}; !bytes.Equal(got, want) {
			t.Errorf("Bytes() = %x; want %x", got, want)
		}
	})
	t.Run("appendix C.2", func(t *testing.T) {
		l, err := Parse(unhex(t, draftCBOR2BitC2))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := l.Len(), 1<<20; got != want {
			t.Fatalf("Len() = %d; want %d", got, want)
		}
		set := map[uint64]Status{0: 1, 1993: 2, 25460: 1, 159495: 3, 495669: 1, 554353: 1,
			645645: 2, 723232: 1, 854545: 1, 934534: 2, 1000345: 3}
		for idx, want := range set {
			if got, err := l.Get(idx); err != nil || got != want {
				t.Errorf("Get(%d) = %v, %v; want %v", idx, got, err, want)
			}
		}
		if got, want := l.Count(), [4]int{1<<20 - 11, 6, 3, 2}; got != want {
			t.Errorf("Count() = %v; want %v", got, want)
		}
	})
	t.Run("1-bit refused", func(t *testing.T) {
		if _, err := Parse(unhex(t, draftCBOR1Bit)); !errors.Is(err, ErrUnsupportedBits) {
			t.Errorf("Parse(1-bit list) error = %v; want ErrUnsupportedBits", err)
		}
	})
}

func TestMarshalCBOR(t *testing.T) {
	l, _ := FromBytes([]byte{0xc9, 0x44, 0xf9})
	got, err := l.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	z, _ := Compress([]byte{0xc9, 0x44, 0xf9})
	// Core deterministic order: "lst" (0x63...) before "bits" (0x64...).
	want := cborMap(kv("lst", cborBytes(z)), kv("bits", cborUint(2)))
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalCBOR() = %x; want %x", got, want)
	}
	if err := l.SetAggregationURI("https://issuer.example/statuslists"); err != nil {
		t.Fatal(err)
	}
	got, _ = l.MarshalCBOR()
	want = cborMap(kv("lst", cborBytes(z)), kv("bits", cborUint(2)),
		kv("aggregation_uri", cborText("https://issuer.example/statuslists")))
	if !bytes.Equal(got, want) {
		t.Errorf("MarshalCBOR() with aggregation_uri = %x; want %x", got, want)
	}
	if _, err := (&List{}).MarshalCBOR(); !errors.Is(err, ErrInvalidSize) {
		t.Errorf("MarshalCBOR of an empty List error = %v; want ErrInvalidSize", err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		l    *List
	}{
		{"4 entries", randomList(t, 1, 4, 0.25, Revoked)},
		{"1% revoked", randomList(t, 2, DefaultSize, 0.01, Revoked)},
		{"suspended", randomList(t, 3, 1<<16, 0.05, Suspended)},
		{"dense", randomList(t, 4, 1<<16, 0.4, Revoked)},
		{"all valid", randomList(t, 5, 1<<20, 0, Revoked)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "suspended" {
				tt.l.SetAggregationURI("https://example.com/statuslists")
			}
			data, err := tt.l.MarshalCBOR()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), tt.l.Bytes()) || got.AggregationURI() != tt.l.AggregationURI() {
				t.Error("parsed list differs from the marshalled one")
			}
			again, _ := got.MarshalCBOR()
			if !bytes.Equal(again, data) {
				t.Error("MarshalCBOR is not deterministic")
			}
			var u List
			if err := u.UnmarshalCBOR(data); err != nil || !bytes.Equal(u.Bytes(), tt.l.Bytes()) {
				t.Errorf("UnmarshalCBOR: %v", err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	small := []byte{0xc9, 0x44, 0xf9}
	z9 := zlibOf(t, small, 9)
	lst := cborBytes(z9)
	bits2 := kv("bits", cborUint(2))
	lst2 := kv("lst", lst)
	withBits := func(v []byte) []byte { return cborMap(kv("bits", v), lst2) }
	withLst := func(v []byte) []byte { return cborMap(bits2, kv("lst", v)) }
	withURI := func(v []byte) []byte { return cborMap(bits2, lst2, kv("aggregation_uri", v)) }
	badSum := append([]byte(nil), z9...)
	badSum[len(badSum)-1] ^= 1
	fdict := []byte{0x78, 0xbb, 0, 0, 0, 0} // FDICT set, header check ok
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty input", nil, ErrMalformed},
		{"not a map", cborUint(2), ErrMalformed},
		{"array", cat(cborHead(4, 2), cborUint(2), lst), ErrMalformed},
		{"empty map", cborMap(), ErrMalformed},
		{"no bits", cborMap(lst2), ErrMalformed},
		{"no lst", cborMap(bits2), ErrMalformed},
		{"unknown key", cborMap(bits2, lst2, kv("size", cborUint(12))), ErrMalformed},
		{"integer key", cborMap(bits2, lst2, cat(cborUint(1), cborUint(1))), ErrMalformed},
		{"byte string key", cborMap(cat(cborBytes([]byte("bits")), cborUint(2)), lst2), ErrMalformed},
		{"duplicate bits", cborMap(bits2, bits2, lst2), ErrMalformed},
		{"duplicate lst", cborMap(bits2, lst2, lst2), ErrMalformed},
		{"bits 1", withBits(cborUint(1)), ErrUnsupportedBits},
		{"bits 4", withBits(cborUint(4)), ErrUnsupportedBits},
		{"bits 8", withBits(cborUint(8)), ErrUnsupportedBits},
		{"bits 0", withBits(cborUint(0)), ErrMalformed},
		{"bits 3", withBits(cborUint(3)), ErrMalformed},
		{"bits 2^64-1", withBits(cborUint(^uint64(0))), ErrMalformed},
		{"bits negative", withBits(cborHead(1, 1)), ErrMalformed},
		{"bits text", withBits(cborText("2")), ErrMalformed},
		{"bits float", withBits([]byte{0xf9, 0x40, 0x00}), ErrMalformed},
		{"bits tagged", withBits(cat(cborHead(6, 2), cborBytes([]byte{2}))), ErrMalformed},
		{"lst text", withLst(cborText(string(z9))), ErrMalformed},
		{"lst array", withLst(cat(cborHead(4, 1), cborUint(1))), ErrMalformed},
		{"lst empty", withLst(cborBytes(nil)), ErrMalformed},
		{"lst not zlib", withLst(cborBytes([]byte("not zlib at all"))), ErrMalformed},
		{"lst raw deflate", withLst(cborBytes(z9[2 : len(z9)-4])), ErrMalformed},
		{"lst truncated", withLst(cborBytes(z9[:len(z9)-3])), ErrMalformed},
		{"lst without checksum", withLst(cborBytes(z9[:len(z9)-4])), ErrMalformed},
		{"lst bad checksum", withLst(cborBytes(badSum)), ErrMalformed},
		{"lst trailing bytes", withLst(cborBytes(append(append([]byte(nil), z9...), 0))), ErrMalformed},
		{"lst preset dictionary", withLst(cborBytes(fdict)), ErrMalformed},
		{"lst inflates to nothing", withLst(cborBytes(zlibOf(t, nil, 9))), ErrMalformed},
		{"lst too large", withLst(cborBytes(zlibOf(t, make([]byte, MaxEntries/4+1), 1))), ErrTooLarge},
		{"indefinite map", cat([]byte{0xbf}, bits2, lst2, []byte{0xff}), ErrMalformed},
		{"indefinite lst", withLst(cat([]byte{0x5f}, lst, []byte{0xff})), ErrMalformed},
		{"tagged map", cat(cborHead(6, 24), cborMap(bits2, lst2)), ErrMalformed},
		{"trailing bytes", cat(cborMap(bits2, lst2), []byte{0}), ErrMalformed},
		{"truncated CBOR", cborMap(bits2, lst2)[:10], ErrMalformed},
		{"aggregation_uri bytes", withURI(cborBytes([]byte("https://a.example"))), ErrMalformed},
		{"aggregation_uri relative", withURI(cborText("/lists")), ErrMalformed},
		{"aggregation_uri empty", withURI(cborText("")), ErrMalformed},
		{"aggregation_uri bad UTF-8", withURI(cborText("https://a.example/\xff")), ErrMalformed},
		{"oversized input", make([]byte, maxEncoded+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse error = %v; want %v", err, tt.want)
			}
			if l != nil {
				t.Error("Parse returned a list with an error")
			}
		})
	}
	// The valid base of the table parses, so each case fails for its own reason.
	if _, err := Parse(cborMap(bits2, lst2)); err != nil {
		t.Fatalf("valid list: %v", err)
	}
	if l, err := Parse(cborMap(kv("aggregation_uri", cborText("https://a.example/x")), lst2, bits2)); err != nil || l.AggregationURI() != "https://a.example/x" {
		t.Fatalf("valid list with aggregation_uri: %v", err)
	}
}

// A zlib stream of 64 KB that inflates to 64 MiB is refused
// after inflating just past the cap.
func TestParseZipBomb(t *testing.T) {
	bomb := zeroBomb(64 << 20) // 64 MiB of zeros
	t.Logf("bomb: %d bytes of zlib for 64 MiB", len(bomb))
	data := cborMap(kv("bits", cborUint(2)), kv("lst", cborBytes(bomb)))
	start := time.Now()
	_, err := Parse(data)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse(bomb) error = %v; want ErrTooLarge", err)
	}
	// Inflating 64 MiB takes ~100 ms; 4 MiB, a few. Generous bound
	// for a loaded machine.
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("refusing the bomb took %v", el)
	}
}

// zeroBomb returns a zlib stream of n zero bytes, built from maximal
// distance-1 matches (about 1032:1).
func zeroBomb(n int) []byte {
	toks := appendZeros(nil, n, false)
	w := &bitWriter{out: []byte{0x78, 0xda}}
	writeBlock(w, toks, true)
	w.flush()
	return append(w.out, 0, 0, 0, 1) // wrong Adler-32, never reached
}
