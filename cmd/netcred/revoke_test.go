package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer"
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

func TestIssueWithStatusDir(t *testing.T) {
	w := newWorkspace(t)
	dir := w.path("status")
	base := []string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }

	r := runCLI(t, "", with("--status-dir", dir)...).must(t, exitUsage)
	if !strings.Contains(r.stderr, "needs a base URI") || !strings.Contains(r.stderr, "--status-uri") || r.stdout != "" {
		t.Errorf("first use without --status-uri:\n%s", r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused issue created %s", dir)
	}

	text, id := w.issueWithStatus(t, dir)
	if !strings.HasPrefix(id, testStatusURI+"1#") {
		t.Errorf("credential id %q, want one in list %s1", id, testStatusURI)
	}
	inspected := runCLI(t, "", "inspect", "--w3c", text).must(t, exitOK).stdout
	if !strings.Contains(inspected, `"id": "`+id+`"`) {
		t.Errorf("the W3C view's credentialStatus.id is not %s:\n%s", id, inspected)
	}

	// Later uses need no --status-uri; the dir remembers it.
	r = runCLI(t, "", with("--status-dir", dir)...).must(t, exitOK)
	if !credentialIDLine.MatchString(r.stderr) {
		t.Errorf("second issue printed no credential id:\n%s", r.stderr)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"other base URI", with("--status-dir", dir, "--status-uri", "https://other.example/s/"), "cannot change"},
		{"other list size", with("--status-dir", dir, "--list-size", "64"), "cannot change"},
		{"--status-uri without --status-dir", with("--status-uri", testStatusURI), "need --status-dir"},
		{"bad base URI", with("--status-dir", w.path("status2"), "--status-uri", "id.example/s/"), "base URI"},
		{"bad list size", with("--status-dir", w.path("status3"), "--status-uri", testStatusURI, "--list-size", "10"), "list size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Fatalf("stderr lacks %q (or a credential was printed):\n%s%s", tc.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestRevokeSuspendReinstate(t *testing.T) {
	w := newWorkspace(t)
	dir := w.path("status")
	text, id := w.issueWithStatus(t, dir, "--png", w.path("cred.png"))
	qrFile := w.write(t, "cred.txt", text+"\n")
	// Each step names the credential another way.
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"suspend by id", []string{"suspend", "--status-dir", dir, "--reason", "reported lost", id}, exitOK, "suspended " + id},
		{"suspend again", []string{"suspend", "--status-dir", dir, id}, exitOK, "already suspended; nothing changed"},
		{"reinstate by QR text", []string{"reinstate", "--status-dir", dir, text}, exitOK, "reinstated " + id},
		{"reinstate a valid one", []string{"reinstate", "--status-dir", dir, id}, exitOK, "not suspended; nothing changed"},
		{"revoke by image", []string{"revoke", "--status-dir", dir, "--reason", "stolen", w.path("cred.png")}, exitOK, "revoked " + id},
		{"revoke again by file", []string{"revoke", "--status-dir", dir, qrFile}, exitOK, "already revoked; nothing changed"},
		{"reinstate a revoked one", []string{"reinstate", "--status-dir", dir, id}, exitUsage, "revocation is final"},
		{"suspend a revoked one", []string{"suspend", "--status-dir", dir, id}, exitUsage, "revocation is final"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, tc.code)
			if !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
	show := runCLI(t, "", "status", "show", "--status-dir", dir, id).must(t, exitOK).stdout
	for _, want := range []string{"status   revoked", "type     identity", "suspended: reported lost", "valid\n", "revoked: stolen"} {
		if !strings.Contains(show, want) {
			t.Errorf("status show %s lacks %q:\n%s", id, want, show)
		}
	}
	// The record holds no claims.
	data, err := os.ReadFile(filepath.Join(dir, issuer.StatusDBName))
	if err != nil {
		t.Fatal(err)
	}
	for _, claim := range []string{"王小明", "11010519491231002X", "1949-12-31"} {
		if strings.Contains(string(data), claim) {
			t.Errorf("the status dir stores the claim %q", claim)
		}
	}
}

func TestRevokeRefuses(t *testing.T) {
	w := newWorkspace(t)
	dir := w.path("status")
	_, id := w.issueWithStatus(t, dir)
	// A credential from another status dir with the same base URI, and one
	// issued without a status dir.
	foreign, _ := w.issueWithStatus(t, w.path("other-status"))
	plain := w.issue(t)
	notCredential := w.write(t, "notes.txt", "hello\n")
	missing := w.path("missing")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no --status-dir", []string{"revoke", id}, []string{"needs --status-dir"}},
		{"no argument", []string{"revoke", "--status-dir", dir}, []string{"exactly one"}},
		{"two arguments", []string{"revoke", "--status-dir", dir, id, id}, []string{"exactly one"}},
		{"malformed id", []string{"revoke", "--status-dir", dir, testStatusURI + "1"}, []string{"malformed credential id", "hint: netcred issue prints"}},
		{"id never issued", []string{"revoke", "--status-dir", dir, testStatusURI + "1#999999999"}, []string{"not issued from this status dir", "right --status-dir"}},
		{"other issuer's id", []string{"revoke", "--status-dir", dir, "https://other.example/s/1#5"}, []string{"not issued from this status dir"}},
		{"credential of another status dir", []string{"revoke", "--status-dir", dir, foreign}, []string{"not issued from this status dir"}},
		{"credential without status", []string{"suspend", "--status-dir", dir, plain}, []string{"no status reference"}},
		{"not a credential", []string{"revoke", "--status-dir", dir, notCredential}, []string{"neither a credential id nor a credential"}},
		{"missing file", []string{"revoke", "--status-dir", dir, w.path("nope.png")}, []string{"nope.png"}},
		{"status dir that does not exist", []string{"revoke", "--status-dir", missing, id}, []string{"no status dir", "hint: check the --status-dir path"}},
		{"reason with a newline", []string{"revoke", "--status-dir", dir, "--reason", "a\nb", id}, []string{"control character"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			for _, want := range tc.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("revoke created the status dir %s", missing)
	}
	show := runCLI(t, "", "status", "show", "--status-dir", dir, id).must(t, exitOK).stdout
	if !strings.Contains(show, "status   valid") {
		t.Errorf("refused commands changed the credential:\n%s", show)
	}
}

func TestRevokeWhileStatusDirInUse(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	w := newWorkspace(t)
	dir := w.path("status")
	_, id := w.issueWithStatus(t, dir)
	held, err := issuer.OpenStatusDir(dir, issuer.StatusDirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	r := runCLI(t, "", "revoke", "--status-dir", dir, id).must(t, exitUsage)
	for _, want := range []string{"status dir is in use by another process", "hint: another netcred process"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
