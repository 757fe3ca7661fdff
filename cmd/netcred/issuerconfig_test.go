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
		{"BOM", "\xef\xbb\xbf" + `{"issuers":[]}`, strictjson.ErrBOM, "byte-order mark"},
		{"lone surrogate", `{"issuers":[{"id":"a","name":"\udc00","keys":[]}]}`, strictjson.ErrLoneSurrogate, "$.issuers[0].name"},
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
