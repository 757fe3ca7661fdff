package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixedNow is the clock of every CLI test.
var fixedNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs the CLI in-process with the given standard input.
func runCLI(tb testing.TB, stdin string, args ...string) cliResult {
	tb.Helper()
	return runCLIAt(tb, fixedNow, stdin, args...)
}

// runCLIAt runs the CLI with its clock at now.
func runCLIAt(tb testing.TB, now time.Time, stdin string, args ...string) cliResult {
	tb.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, now: func() time.Time { return now }}
	code := run(args, e)
	return cliResult{code, out.String(), errOut.String()}
}

func (r cliResult) must(tb testing.TB, code int) cliResult {
	tb.Helper()
	if r.code != code {
		tb.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

// workspace is a temporary directory with an issuer key, its JWKS and a
// claims file.
type workspace struct {
	dir, key, jwks, claims string
}

func newWorkspace(tb testing.TB) *workspace {
	tb.Helper()
	w := &workspace{dir: tb.TempDir()}
	w.key = w.path("issuer.jwk")
	pub := runCLI(tb, "", "keys", "new", "--out", w.key).must(tb, exitOK).stdout
	w.write(tb, "issuer.pub.jwk", pub)
	w.jwks = w.path("trusted.jwks")
	w.write(tb, "trusted.jwks", runCLI(tb, "", "keys", "set", w.path("issuer.pub.jwk")).must(tb, exitOK).stdout)
	w.claims = w.path("claims.json")
	w.write(tb, "claims.json", `{"name":"王小明","id_number":"11010519491231002X","birth_date":"1949-12-31"}`)
	return w
}

func (w *workspace) path(name string) string { return filepath.Join(w.dir, name) }

func (w *workspace) write(tb testing.TB, name, content string) string {
	tb.Helper()
	p := w.path(name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// issue signs the workspace's claims and returns the QR text.
func (w *workspace) issue(tb testing.TB, extra ...string) string {
	tb.Helper()
	args := append([]string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims}, extra...)
	return strings.TrimSpace(runCLI(tb, "", args...).must(tb, exitOK).stdout)
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"36h", 36 * time.Hour, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"1y", 365 * 24 * time.Hour, true},
		{"1.5d", 0, false},
		{"-3d", 0, false},
		{"forever", 0, false},
	} {
		got, err := parseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
