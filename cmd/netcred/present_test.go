package main

import (
	"os"
	"strings"
	"testing"
)

// TestVerifyRawPresentationFile: a presentation's raw COSE bytes in a file
// verify like its QR text.
func TestVerifyRawPresentationFile(t *testing.T) {
	w := newWorkspace(t)
	pub := runCLI(t, "", "holder", "keys", "new", "--out", w.path("device.jwk")).must(t, exitOK).stdout
	if err := os.WriteFile(w.path("device.pub.jwk"), []byte(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	cred := strings.TrimSpace(runCLI(t, "", "issue", "--key", w.key, "--type", "identity", "--level", "substantial",
		"--claims", w.claims, "--holder-key", w.path("device.pub.jwk")).must(t, exitOK).stdout)
	text := strings.TrimSpace(runCLI(t, "", "present", "--credential", cred, "--holder-key", w.path("device.jwk")).must(t, exitOK).stdout)
	raw, format, err := inspectBytes([]byte(text))
	if err != nil || !strings.Contains(format, "presentation") {
		t.Fatalf("inspectBytes: %q, %v", format, err)
	}
	if err := os.WriteFile(w.path("presented.cbor"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "verify", "--keys", w.jwks, "--require-holder-binding", w.path("presented.cbor")).must(t, exitOK)
	if !strings.Contains(r.stdout, "presented") {
		t.Fatalf("no presentation line:\n%s", r.stdout)
	}
	runCLI(t, "", "verify", "--keys", w.jwks, "--require-holder-binding", text).must(t, exitOK)
}
