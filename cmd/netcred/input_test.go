package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestDecodeText(t *testing.T) {
	le := func(s string) []byte {
		b := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	be := func(s string) []byte {
		b := []byte{0xfe, 0xff}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
		err  error
	}{
		{"plain UTF-8", []byte("NC1:ABC"), "NC1:ABC", nil},
		{"UTF-8 BOM", []byte("\xef\xbb\xbfNC1:ABC\n"), "NC1:ABC\n", nil},
		{"UTF-16LE", le("NC1:王小明\n"), "NC1:王小明\n", nil},
		{"UTF-16BE", be("NC1:王小明"), "NC1:王小明", nil},
		{"UTF-16 surrogate pair", le("𝄞"), "𝄞", nil},
		{"UTF-16 BOM only", []byte{0xff, 0xfe}, "", nil},
		{"UTF-16 odd length", append(le("NC1"), 'x'), "", errBadText},
		{"UTF-16 lone high surrogate", []byte{0xff, 0xfe, 0x00, 0xd8}, "", errBadText},
		{"UTF-16 lone low surrogate", []byte{0xff, 0xfe, 0x00, 0xdc, 0x41, 0x00}, "", errBadText},
		{"UTF-16 high surrogate then letter", []byte{0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00}, "", errBadText},
		{"UTF-16LE without BOM", le("NC1:ABC\n")[2:], "NC1:ABC\n", nil},
		{"UTF-16BE without BOM", be(`{"name":"王"}`)[2:], `{"name":"王"}`, nil},
		{"UTF-16 without BOM, odd length", le("NC1:")[2:9], "", errBadText},
		{"binary stays binary", []byte{0xd2, 0x84, 0x43}, "\xd2\x84\x43", nil},
		{"CBOR with zero bytes stays binary", []byte{0x84, 0x40, 0xa0, 0x00}, "\x84\x40\xa0\x00", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeText(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("decodeText(% x) error %v; want %v", tc.in, err, tc.err)
			}
			if err == nil && string(got) != tc.want {
				t.Errorf("decodeText(% x) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestReadFileRefuses(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a"), 101), 0o600); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("ok"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &env{stdin: strings.NewReader(strings.Repeat("b", 101))}
	for _, tc := range []struct {
		name string
		file string
		err  error
	}{
		{"directory", dir, errIsDir},
		{"device", os.DevNull, errNotRegular},
		{"over the cap", big, errTooLarge},
		{"standard input over the cap", "-", errTooLarge},
		{"missing", filepath.Join(dir, "nope"), os.ErrNotExist},
		{"small file", small, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readFile(e, tc.file, 100)
			if !errors.Is(err, tc.err) {
				t.Fatalf("readFile(%s) error %v; want %v", tc.file, err, tc.err)
			}
		})
	}
}

// FuzzDecodeText: no panic; text it accepts is valid UTF-8 when it came
// with a byte-order mark; UTF-16 of any valid text decodes back to it.
func FuzzDecodeText(f *testing.F) {
	f.Add([]byte("\xef\xbb\xbfNC1:ABC"))
	f.Add([]byte{0xff, 0xfe, 0x4e, 0x00, 0x00, 0xd8})
	f.Add([]byte{0xfe, 0xff, 0xd8, 0x34, 0xdd, 0x1e})
	f.Add([]byte("NC1:6BFOXN"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeText(b)
		if err != nil {
			return
		}
		if (bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff})) && !utf8.Valid(got) {
			t.Fatalf("decodeText(% x) = % x: not UTF-8", b, got)
		}
		if utf8.Valid(b) {
			le := []byte{0xff, 0xfe}
			for _, u := range utf16.Encode([]rune(string(b))) {
				le = append(le, byte(u), byte(u>>8))
			}
			back, err := decodeText(le)
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("UTF-16 of %q decodes to %q, %v", b, back, err)
			}
		}
	})
}
