package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netcred/netcred/internal/strictjson"
)

// TestReadIssuerConfigStrict checks that the issuer config is read by
// strictjson: what encoding/json would let through is refused, naming the
// member.
func TestReadIssuerConfigStrict(t *testing.T) {
	key := `{"file":"issuer.pub.jwk","max_level":"high","types":["identity"]}`
	tests := []struct {
		name, in string
		err      error
		contains string
	}{
		{"duplicate id", `{"issuers":[{"id":"a","id":"b","name":"A","keys":[` + key + `]}]}`, strictjson.ErrDuplicateMember, "$.issuers[0].id"},
		{"duplicate max_level", `{"issuers":[{"id":"a","name":"A","keys":[{"file":"k","max_level":"low","max_level":"high","types":[]}]}]}`, strictjson.ErrDuplicateMember, "$.issuers[0].keys[0].max_level"},
		{"unknown member", `{"issuers":[{"id":"a","nmae":"A","keys":[` + key + `]}]}`, strictjson.ErrUnknownMember, "$.issuers[0].nmae"},
		{"wrong case", `{"Issuers":[]}`, strictjson.ErrMemberCase, "$.Issuers"},
		// UTF-16 without a byte-order mark is read as text, then checked
		// as strictly as UTF-8.
		{"UTF-16 without BOM", utf16LE(`{"issuers":[],"issuers":[]}`), strictjson.ErrDuplicateMember, "$.issuers"},
		{"lone surrogate", `{"issuers":[{"id":"a","name":"\udc00","keys":[]}]}`, strictjson.ErrLoneSurrogate, "$.issuers[0].name"},
		{"bad level", `{"issuers":[{"id":"a","name":"A","keys":[{"file":"k","max_level":"hihg","types":[]}]}]}`, strictjson.ErrValue, "$.issuers[0].keys[0].max_level"},
		{"bad time", `{"issuers":[{"id":"a","name":"A","keys":[{"file":"k","max_level":"high","types":[],"not_before":"2026-13-01"}]}]}`, strictjson.ErrValue, "$.issuers[0].keys[0].not_before"},
		{"trailing data", `{"issuers":[]} {}`, strictjson.ErrTrailingData, "after"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.Repeat("c", i+1)+".json")
			if err := os.WriteFile(path, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := readIssuerConfig(path)
			if !errors.Is(err, tt.err) {
				t.Fatalf("readIssuerConfig(%q) = %v; want %v", tt.in, err, tt.err)
			}
			if !strings.Contains(err.Error(), tt.contains) || !strings.Contains(err.Error(), path) {
				t.Errorf("readIssuerConfig(%q) = %q; want it to name %s and %q", tt.in, err, path, tt.contains)
			}
			if c != nil {
				t.Errorf("got a config with the error")
			}
		})
	}
}

// TestReadIssuerConfigText checks that a config with a byte-order mark or
// in UTF-16 is read as text, like a claims file, and that a FIFO or a
// directory is refused.
func TestReadIssuerConfigText(t *testing.T) {
	cfg := `{"issuers":[{"id":"a","name":"张","keys":[{"file":"k.jwk","max_level":"high","types":["identity"]}]}]}`
	utf16le := []byte{0xff, 0xfe}
	for _, r := range cfg {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"bom.json": append([]byte("\xef\xbb\xbf"), cfg...), "utf16.json": utf16le} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := readIssuerConfig(path)
		if err != nil || len(c.Issuers) != 1 || c.Issuers[0].Name != "张" {
			t.Errorf("readIssuerConfig(%s) = %+v, %v; want one issuer named 张", name, c, err)
		}
	}
	if _, err := readIssuerConfig(dir); err == nil {
		t.Errorf("readIssuerConfig(a directory) = nil error; want one")
	}
	if _, err := readIssuerConfig("-"); err == nil {
		t.Errorf("readIssuerConfig(-) = nil error; want one")
	}
}

// utf16LE encodes ASCII text s as UTF-16LE without a byte-order mark.
func utf16LE(s string) string {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return string(b)
}
