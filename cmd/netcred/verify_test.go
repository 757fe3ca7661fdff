package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t, "--png", w.path("cred.png"))
	textFile := w.write(t, "cred.txt", text+"\n")
	other := newWorkspace(t)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"QR text argument", "", []string{"verify", "--keys", w.jwks, text}, exitOK, "VALID: identity credential, level substantial"},
		{"file", "", []string{"verify", "--keys", w.jwks, textFile}, exitOK, "王小明"},
		{"stdin", text, []string{"verify", "--keys", w.jwks, "-"}, exitOK, "VALID"},
		{"PNG image", "", []string{"verify", "--keys", w.jwks, w.path("cred.png")}, exitOK, "VALID"},
		{"flags after input", "", []string{"verify", textFile, "--keys", w.jwks, "--min-level", "substantial"}, exitOK, "VALID"},
		{"min level high", "", []string{"verify", "--keys", w.jwks, "--min-level", "high", text}, exitInvalid, "NOT VALID: level_too_low"},
		{"type not allowed", "", []string{"verify", "--keys", w.jwks, "--type", "ticket", text}, exitInvalid, "type_not_allowed"},
		{"expired", "", []string{"verify", "--keys", w.jwks, "--at", "2030-01-01T00:00:00Z", text}, exitInvalid, "expired"},
		{"not yet valid", "", []string{"verify", "--keys", w.jwks, "--at", "2026-11-26T08:00:00Z", text}, exitInvalid, "not_yet_valid"},
		{"untrusted issuer", "", []string{"verify", "--keys", other.jwks, text}, exitInvalid, "unknown_key"},
		{"garbage", "", []string{"verify", "--keys", w.jwks, "NC1:garbage"}, exitInvalid, "malformed"},
		{"missing --keys", "", []string{"verify", text}, exitUsage, "--keys"},
		{"bad key set", "", []string{"verify", "--keys", textFile, text}, exitUsage, "cred.txt"},
		{"bad level", "", []string{"verify", "--keys", w.jwks, "--min-level", "max", text}, exitUsage, "max"},
		{"unknown type in policy", "", []string{"verify", "--keys", w.jwks, "--type", "passport", text}, exitUsage, "passport"},
		{"bad --at", "", []string{"verify", "--keys", w.jwks, "--at", "yesterday", text}, exitUsage, "--at"},
		{"no input", "", []string{"verify", "--keys", w.jwks}, exitUsage, "INPUT"},
		{"missing file", "", []string{"verify", "--keys", w.jwks, w.path("nope.txt")}, exitUsage, "neither QR text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.stdin, tc.args...).must(t, tc.code)
			if !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", tc.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestVerifyJSON(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t)
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		valid bool
		rc    string
	}{
		{"valid", []string{"verify", "--json", "--keys", w.jwks, text}, exitOK, true, "valid"},
		{"level too low", []string{"verify", "--json", "--min-level", "high", "--keys", w.jwks, text}, exitInvalid, false, "level_too_low"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, tc.code)
			var got map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			for _, field := range []string{"valid", "code", "level", "type", "warnings"} {
				if _, ok := got[field]; !ok {
					t.Errorf("JSON lacks %q: %s", field, r.stdout)
				}
			}
			if got["valid"] != tc.valid || got["code"] != tc.rc {
				t.Errorf("got valid=%v code=%v, want %v %s", got["valid"], got["code"], tc.valid, tc.rc)
			}
			claims, hasClaims := got["claims"].(map[string]any)
			if tc.valid && (!hasClaims || claims["id_number"] != "11010519491231002X") {
				t.Errorf("valid result without the claims: %s", r.stdout)
			}
			if !tc.valid && hasClaims {
				t.Errorf("invalid result carries claims: %s", r.stdout)
			}
		})
	}
}

func TestVerifyRawCOSEFile(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t)
	r := runCLI(t, "", "inspect", "--json", text).must(t, exitOK)
	if !strings.Contains(r.stdout, "netcred") {
		t.Fatalf("inspect did not see a netcred credential:\n%s", r.stdout)
	}
	raw, _, err := inspectBytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.path("cred.cbor"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	runCLI(t, "", "verify", "--keys", w.jwks, w.path("cred.cbor")).must(t, exitOK)
}
