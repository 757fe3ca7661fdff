package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
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

// failWriter fails every write, like a closed or full standard output.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestVerifyJSONUnwritten: verify --json never exits 0 when its JSON could
// not be written.
func TestVerifyJSONUnwritten(t *testing.T) {
	w := newWorkspace(t)
	text := w.issue(t)
	var errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: failWriter{}, stderr: &errOut, now: func() time.Time { return fixedNow }}
	if code := run([]string{"verify", "--keys", w.jwks, "--json", text}, e); code != exitUsage {
		t.Errorf("exit %d with standard output failing; want %d\nstderr:\n%s", code, exitUsage, errOut.String())
	}
	if !strings.Contains(errOut.String(), "cannot write the result") {
		t.Errorf("stderr %q; want it to say the result could not be written", errOut.String())
	}
}
