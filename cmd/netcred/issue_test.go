package main

import (
	"os"
	"strings"
	"testing"

	"github.com/netcred/netcred/credential"
)

func TestIssue(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t, "--png", w.path("cred.png"), "--valid-for", "30d")
	if !strings.HasPrefix(text, credential.QRPrefix) {
		t.Fatalf("issue printed %q, want QR text", text)
	}
	if len(text) > 260 {
		t.Errorf("QR text of %d characters, want at most 260", len(text))
	}
	png, err := os.ReadFile(w.path("cred.png"))
	if err != nil || imageFormat(png) != "PNG" {
		t.Fatalf("no PNG written: %v", err)
	}
}

func TestIssueRefuses(t *testing.T) {
	w := newWorkspace(t)
	badID := w.write(t, "bad.json", `{"name":"王小明","id_number":"110105194912310021","birth_date":"1949-12-31"}`)
	mismatch := w.write(t, "mismatch.json", `{"name":"王小明","id_number":"11010519491231002X","birth_date":"1950-01-01"}`)
	unknown := w.write(t, "unknown.json", `{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31","shoe_size":42}`)
	notJSON := w.write(t, "not.json", `name=王小明`)
	base := func(claims string, extra ...string) []string {
		return append([]string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", claims}, extra...)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad check character", base(badID), "id_number"},
		{"birth date disagrees", base(mismatch), "birth_date"},
		{"unknown claim", base(unknown), "shoe_size"},
		{"not JSON", base(notJSON), "JSON object"},
		{"level below the type minimum", []string{"issue", "--key", w.key, "--type", "identity", "--level", "low", "--claims", w.claims}, "substantial or higher"},
		{"evidence too weak", base(w.claims, "--evidence", "self_asserted"), "evidence"},
		{"unknown type", []string{"issue", "--key", w.key, "--type", "passport", "--level", "high", "--claims", w.claims}, "passport"},
		{"unknown level", []string{"issue", "--key", w.key, "--type", "identity", "--level", "extreme", "--claims", w.claims}, "extreme"},
		{"missing --key", []string{"issue", "--type", "identity", "--level", "high", "--claims", w.claims}, "--key"},
		{"bad duration", base(w.claims, "--valid-for", "forever"), "invalid duration"},
		{"missing key file", []string{"issue", "--key", w.path("nope.jwk"), "--type", "identity", "--level", "substantial", "--claims", w.claims}, "nope.jwk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if r.stdout != "" {
				t.Errorf("printed a credential despite the error: %q", r.stdout)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}
