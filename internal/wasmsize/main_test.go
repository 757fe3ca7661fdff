package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// tinyModule is a module with one imported and two defined functions and a
// name section naming all three.
func tinyModule(tb testing.TB) []byte {
	tb.Helper()
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	var m []byte
	m = append(m, "\x00asm\x01\x00\x00\x00"...)
	m = append(m, sec(1, 1, 0x60, 0, 0)...) // type: () -> ()
	imp := []byte{1}
	imp = append(imp, str("go")...)
	imp = append(imp, str("debug")...)
	imp = append(imp, 0, 0)
	m = append(m, sec(2, imp...)...)
	m = append(m, sec(3, 2, 0, 0)...)
	m = append(m, sec(10, 2, 2, 0, 0x0b, 3, 0, 0x01, 0x0b)...) // bodies of 2 and 3 bytes
	names := []byte{3, 0}
	names = append(names, str("go.debug")...)
	names = append(names, 1)
	names = append(names, str("github.com_x_y.__T_.M")...)
	names = append(names, 2)
	names = append(names, str("runtime.main")...)
	custom := append(str("name"), append([]byte{1, byte(len(names))}, names...)...)
	m = append(m, sec(0, custom...)...)
	return m
}

func TestParse(t *testing.T) {
	m, err := parse(tinyModule(t))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	want := []fn{{"github.com_x_y.__T_.M", 2}, {"runtime.main", 3}}
	if len(m.funcs) != len(want) {
		t.Fatalf("got %d functions; want %d", len(m.funcs), len(want))
	}
	for i := range want {
		if m.funcs[i] != want[i] {
			t.Errorf("function %d: got %+v; want %+v", i, m.funcs[i], want[i])
		}
	}
	var out bytes.Buffer
	report(&out, m, 0, []string{"github.com/x/y", "runtime"})
	for _, line := range []string{"github.com/x/y", "runtime", "section code"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, out.String())
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := tinyModule(t)
	for name, b := range map[string][]byte{
		"empty":     nil,
		"bad magic": append([]byte("\x00wsm"), good[4:]...),
		"truncated": good[:len(good)-3],
		"huge size": append(append([]byte{}, good[:8]...), 10, 0xff, 0xff, 0xff, 0xff, 0x0f),
		"long leb":  append(append([]byte{}, good[:8]...), 10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
	} {
		if _, err := parse(b); !errors.Is(err, errFormat) {
			t.Errorf("%s: got %v; want %v", name, err, errFormat)
		}
	}
}

func TestPkgOf(t *testing.T) {
	known := []string{"github.com/fxamacker/cbor/v2", "github.com/fxamacker/cbor", "slices", "main"}
	for _, tc := range []struct{ sym, want string }{
		{"github.com_fxamacker_cbor_v2.__decoder_.parse", "github.com/fxamacker/cbor/v2"},
		{"slices.pdqsortOrdered_go.shape.int_", "slices"},
		{"main.__session_.load", "main"},
		{"type_.eq.internal_abi.ITab", "type_"},
		{"github.com_other_pkg.F", "github.com_other_pkg"},
		{"", "(no name section)"},
	} {
		if got := pkgOf(tc.sym, known); got != tc.want {
			t.Errorf("pkgOf(%q) = %q; want %q", tc.sym, got, tc.want)
		}
	}
}
