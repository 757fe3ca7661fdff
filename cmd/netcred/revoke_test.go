package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer/store/bolt"
)

const testStatusURI = "https://id.example/s/"

var credentialIDLine = regexp.MustCompile(`netcred: credential id (\S+)\n`)

// issueWithStatus issues the workspace's claims through the status dir
// (created on first use) and returns the QR text and the credential id.
func (w *workspace) issueWithStatus(tb testing.TB, statusDir string, extra ...string) (string, string) {
	tb.Helper()
	args := append([]string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims,
		"--status-dir", statusDir, "--status-uri", testStatusURI}, extra...)
	r := runCLI(tb, "", args...).must(tb, exitOK)
	m := credentialIDLine.FindStringSubmatch(r.stderr)
	if m == nil {
		tb.Fatalf("issue printed no credential id:\n%s", r.stderr)
	}
	return strings.TrimSpace(r.stdout), m[1]
}

func TestRevokeWhileStatusDirInUse(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	w := newWorkspace(t)
	dir := w.path("status")
	_, id := w.issueWithStatus(t, dir)
	held, err := bolt.Open(filepath.Join(dir, "issuer.db"), bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	r := runCLI(t, "", "revoke", "--status-dir", dir, id).must(t, exitUsage)
	for _, want := range []string{"store is in use by another process", "hint: another netcred process, such as netcred serve", "go through its HTTP API"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
