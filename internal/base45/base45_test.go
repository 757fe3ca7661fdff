package base45

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// rfcVectors are the examples of RFC 9285 sections 4.3 and 4.4.
var rfcVectors = []struct {
	decoded string
	encoded string
}{
	{"AB", "BB8"},
	{"Hello!!", "%69 VD92EX0"},
	{"base-45", "UJCLQE7W581"},
	{"ietf!", "QED8WEX0"},
}

// edgeVectors pin the ends of each range.
var edgeVectors = []struct {
	decoded []byte
	encoded string
}{
	{[]byte{}, ""},
	{[]byte{0x00}, "00"},
	{[]byte{0xFF}, "U5"},
	{[]byte{0x00, 0x00}, "000"},
	{[]byte{0xFF, 0xFF}, "FGW"},
	{[]byte{0xFF, 0xFF, 0xFF}, "FGWU5"},
}

func TestEncode(t *testing.T) {
	for _, tc := range rfcVectors {
		if got := Encode([]byte(tc.decoded)); got != tc.encoded {
			t.Errorf("Encode(%q) = %q; want %q", tc.decoded, got, tc.encoded)
		}
	}
	for _, tc := range edgeVectors {
		if got := Encode(tc.decoded); got != tc.encoded {
			t.Errorf("Encode(%x) = %q; want %q", tc.decoded, got, tc.encoded)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range rfcVectors {
		got, err := Decode(tc.encoded)
		if err != nil {
			t.Errorf("Decode(%q): got error %v; want %q", tc.encoded, err, tc.decoded)
			continue
		}
		if string(got) != tc.decoded {
			t.Errorf("Decode(%q) = %q; want %q", tc.encoded, got, tc.decoded)
		}
	}
	for _, tc := range edgeVectors {
		got, err := Decode(tc.encoded)
		if err != nil {
			t.Errorf("Decode(%q): got error %v; want %x", tc.encoded, err, tc.decoded)
			continue
		}
		if !bytes.Equal(got, tc.decoded) {
			t.Errorf("Decode(%q) = %x; want %x", tc.encoded, got, tc.decoded)
		}
	}
}

var invalidCases = []struct {
	name  string
	in    string
	want  error
	where string // expected in the message: the offending position
}{
	{"one character", "A", ErrInvalidLength, "offset 0"},
	{"four characters", "BB8A", ErrInvalidLength, "offset 3"},
	{"seven characters", "%69 VD9", ErrInvalidLength, "offset 6"},
	{"lowercase", "bb8", ErrInvalidCharacter, `"b" at offset 0`},
	{"lowercase in final pair", "BB8u5", ErrInvalidCharacter, `"u" at offset 3`},
	{"lowercase in middle", "BBx", ErrInvalidCharacter, `"x" at offset 2`},
	{"underscore", "BB_", ErrInvalidCharacter, `"_" at offset 2`},
	{"equals padding", "BB8==", ErrInvalidCharacter, `"=" at offset 3`},
	{"newline", "BB8\n0", ErrInvalidCharacter, `"\n" at offset 3`},
	{"nul byte", "B\x008", ErrInvalidCharacter, `"\x00" at offset 1`},
	{"non-ascii", "BB8\xc3\xa9", ErrInvalidCharacter, `"\xc3" at offset 3`},
	{"prefix", "NC1:BB8", ErrInvalidLength, "offset 6"},
	{"triple 65536", "GGW", ErrOverflow, "offset 0"},
	{"triple 91124", "::::::", ErrOverflow, "offset 0"},
	{"second triple 65536", "BB8GGW", ErrOverflow, "offset 3"},
	{"pair 256", "V5", ErrOverflow, "offset 0"},
	{"pair 2024", "::", ErrOverflow, "offset 0"},
	{"final pair 256", "BB8V5", ErrOverflow, "offset 3"},
}

func TestDecodeInvalid(t *testing.T) {
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%q): got error %v; want %v", tc.in, err, tc.want)
			}
			if got != nil {
				t.Errorf("Decode(%q) = %x; want nil on error", tc.in, got)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "base45: ") || !strings.Contains(msg, tc.where) {
				t.Errorf("Decode(%q): got message %q; want prefix %q and %q", tc.in, msg, "base45: ", tc.where)
			}
		})
	}
}

func TestAppendDecodeInvalidKeepsDst(t *testing.T) {
	for _, tc := range invalidCases {
		dst := []byte("keep")
		got, err := AppendDecode(dst, tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("AppendDecode(%q): got error %v; want %v", tc.in, err, tc.want)
		}
		if string(got) != "keep" {
			t.Errorf("AppendDecode(%q) = %q; want the original %q", tc.in, got, "keep")
		}
	}
}

func TestAppend(t *testing.T) {
	got := AppendEncode([]byte("NC1:"), []byte("ietf!"))
	if want := "NC1:QED8WEX0"; string(got) != want {
		t.Errorf("AppendEncode = %q; want %q", got, want)
	}
	dec, err := AppendDecode([]byte("x:"), "QED8WEX0")
	if err != nil {
		t.Fatalf("AppendDecode: got error %v; want nil", err)
	}
	if want := "x:ietf!"; string(dec) != want {
		t.Errorf("AppendDecode = %q; want %q", dec, want)
	}
}

func TestLen(t *testing.T) {
	for n := range 301 {
		src := make([]byte, n)
		enc := Encode(src)
		if got := EncodedLen(n); got != len(enc) {
			t.Errorf("EncodedLen(%d) = %d; want %d", n, got, len(enc))
		}
		if got := DecodedLen(len(enc)); got != n {
			t.Errorf("DecodedLen(%d) = %d; want %d", len(enc), got, n)
		}
	}
	// DecodedLen is an upper bound even for lengths that cannot decode.
	for n := range 30 {
		if got, bound := DecodedLen(n), n*2/3; got > bound {
			t.Errorf("DecodedLen(%d) = %d; want at most %d", n, got, bound)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 301 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		enc := Encode(src)
		got, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(%d random bytes)): got error %v; want nil", n, err)
		}
		if !bytes.Equal(got, src) {
			t.Fatalf("Decode(Encode(%x)) = %x; want the input", src, got)
		}
		if got := Encode(got); got != enc {
			t.Fatalf("Encode(Decode(%q)) = %q; want the input", enc, got)
		}
	}
}

func TestAppendDecodeNoAlloc(t *testing.T) {
	enc := Encode(bytes.Repeat([]byte{0xA5, 0x5A, 0x01}, 57))
	buf := make([]byte, 0, DecodedLen(len(enc)))
	allocs := testing.AllocsPerRun(100, func() {
		var err error
		buf, err = AppendDecode(buf[:0], enc)
		if err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("AppendDecode with a buffer: got %v allocations; want 0", allocs)
	}
	encBuf := make([]byte, 0, len(enc))
	src := bytes.Repeat([]byte{0xA5, 0x5A, 0x01}, 57)
	allocs = testing.AllocsPerRun(100, func() {
		encBuf = AppendEncode(encBuf[:0], src)
	})
	if allocs != 0 {
		t.Errorf("AppendEncode with a buffer: got %v allocations; want 0", allocs)
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range rfcVectors {
		f.Add(tc.encoded)
	}
	for _, tc := range edgeVectors {
		f.Add(tc.encoded)
	}
	for _, tc := range invalidCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Decode(s)
		if err != nil {
			if got != nil {
				t.Fatalf("Decode(%q) = %x with error %v; want nil on error", s, got, err)
			}
			if !errors.Is(err, ErrInvalidCharacter) && !errors.Is(err, ErrInvalidLength) && !errors.Is(err, ErrOverflow) {
				t.Fatalf("Decode(%q): got error %v; want one of the sentinels", s, err)
			}
			return
		}
		if len(got) > DecodedLen(len(s)) {
			t.Fatalf("Decode(%q) gave %d bytes; want at most DecodedLen = %d", s, len(got), DecodedLen(len(s)))
		}
		// Strict decoding makes Base45 canonical: what was accepted is
		// exactly the encoding of what it decoded to.
		if enc := Encode(got); enc != s {
			t.Fatalf("Encode(Decode(%q)) = %q; want the input", s, enc)
		}
	})
}

// bench171 is 171 bytes, the size of a small credential.
var bench171 = func() []byte {
	b := make([]byte, 171)
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	return b
}()

func BenchmarkEncode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(bench171)))
	for b.Loop() {
		_ = Encode(bench171)
	}
}

func BenchmarkDecode(b *testing.B) {
	s := Encode(bench171)
	b.ReportAllocs()
	b.SetBytes(int64(len(bench171)))
	for b.Loop() {
		if _, err := Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendDecode(b *testing.B) {
	s := Encode(bench171)
	buf := make([]byte, 0, DecodedLen(len(s)))
	b.ReportAllocs()
	b.SetBytes(int64(len(bench171)))
	for b.Loop() {
		var err error
		if buf, err = AppendDecode(buf[:0], s); err != nil {
			b.Fatal(err)
		}
	}
}
