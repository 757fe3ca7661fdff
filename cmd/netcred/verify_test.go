package main

import (
	"os"
	"strings"
	"testing"
)

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
