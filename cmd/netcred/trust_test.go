package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// trustWorld is an issuer with a status dir, a root, a published
// distribution directory and a verifier trust store, all made through the
// CLI as an operator would.
type trustWorld struct {
	*workspace
	root, statusDir, www, store string
}

func newTrustWorld(t *testing.T) *trustWorld {
	t.Helper()
	w := &trustWorld{workspace: newWorkspace(t)}
	w.root = w.path("root.jwk")
	runCLI(t, "", "keys", "new", "--out", w.root).must(t, exitOK)
	w.statusDir, w.www, w.store = w.path("issuer-status"), w.path("www"), w.path("trust")
	return w
}

// issueWithStatus issues the workspace's claims with a status entry and
// returns the QR text and the credential id.
func (w *trustWorld) issueWithStatus(t *testing.T) (string, string) {
	t.Helper()
	r := runCLI(t, "", "issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims,
		"--status-dir", w.statusDir, "--status-uri", "https://id.example.cn/s/").must(t, exitOK)
	id := regexp.MustCompile(`credential id (\S+)`).FindStringSubmatch(r.stderr)
	if id == nil {
		t.Fatalf("issue printed no credential id:\n%s", r.stderr)
	}
	return strings.TrimSpace(r.stdout), id[1]
}

func (w *trustWorld) bundle(t *testing.T, extra ...string) string {
	t.Helper()
	out := w.path("bundle.jws")
	args := append([]string{"bundle", "new", "--root", w.root, "--out", out, "--issuer-id", "id.example.cn",
		"--issuer-key", w.path("issuer.pub.jwk"), "--max-level", "high", "--types", "identity", "--status-dir", w.statusDir}, extra...)
	runCLI(t, "", args...).must(t, exitOK)
	return out
}

func (w *trustWorld) publish(t *testing.T) {
	t.Helper()
	runCLI(t, "", "status", "publish", "--status-dir", w.statusDir, "--key", w.key, "--out", w.www).must(t, exitOK)
}

func (w *trustWorld) importAll(t *testing.T, bundle string) cliResult {
	t.Helper()
	tokens, _ := filepath.Glob(filepath.Join(w.www, "status", "*.cwt"))
	return runCLI(t, "", append([]string{"trust", "import", "--trust", w.store, bundle}, tokens...)...)
}

func (w *trustWorld) initStore(t *testing.T) {
	t.Helper()
	tp := strings.TrimSpace(runCLI(t, "", "keys", "thumbprint", w.root).must(t, exitOK).stdout)
	runCLI(t, "", "trust", "init", "--trust", w.store, "--root-thumbprint", tp).must(t, exitOK)
}

func TestTrustFlow(t *testing.T) {
	w := newTrustWorld(t)
	text, id := w.issueWithStatus(t)
	other, _ := w.issueWithStatus(t)
	bundle := w.bundle(t)
	w.publish(t)
	w.initStore(t)
	w.importAll(t, bundle).must(t, exitOK)

	runCLI(t, "", "verify", "--trust", w.store, text).must(t, exitOK)
	show := runCLI(t, "", "trust", "show", "--trust", w.store).must(t, exitOK).stdout
	for _, want := range []string{"serial 1", "id.example.cn", "https://id.example.cn/s/1: fresh"} {
		if !strings.Contains(show, want) {
			t.Errorf("trust show lacks %q:\n%s", want, show)
		}
	}

	// Revoke, republish, import: the store refuses it offline.
	runCLI(t, "", "revoke", "--status-dir", w.statusDir, "--reason", "stolen", id).must(t, exitOK)
	w.publish(t)
	w.importAll(t, bundle).must(t, exitOK)
	r := runCLI(t, "", "verify", "--trust", w.store, text).must(t, exitInvalid)
	if !strings.Contains(r.stdout, "NOT VALID: revoked") {
		t.Fatalf("verify after revocation:\n%s", r.stdout)
	}
	runCLI(t, "", "verify", "--trust", w.store, other).must(t, exitOK)

	// A day and a bit later without a sync (the list is older than the
	// default 24 hours but not past its exp, 48 hours): undetermined,
	// exit 3, for the credential that is not revoked; and
	// --allow-stale-status accepts it.
	r = runCLI(t, "", "verify", "--trust", w.store, "--at", "2026-11-27T12:00:00Z", other).must(t, exitUnknown)
	if !strings.Contains(r.stdout, "UNDETERMINED: status_stale") {
		t.Fatalf("stale verify:\n%s", r.stdout)
	}
	r = runCLI(t, "", "verify", "--trust", w.store, "--at", "2026-11-27T12:00:00Z", "--allow-stale-status", "--max-status-age", "1h", other).must(t, exitOK)
	if !strings.Contains(r.stdout, "warning") {
		t.Fatalf("accepted stale list without a warning:\n%s", r.stdout)
	}
	// Three days later the list is past its exp: it never proves validity,
	// whatever the policy says of stale lists (status.md §5).
	r = runCLI(t, "", "verify", "--trust", w.store, "--at", "2026-11-29T09:00:00Z", "--allow-stale-status", other).must(t, exitUnknown)
	if !strings.Contains(r.stdout, "UNDETERMINED: status_stale") {
		t.Fatalf("expired list accepted:\n%s", r.stdout)
	}
	// Past the bundle's next_update (7 days): undetermined, graced or not.
	runCLI(t, "", "verify", "--trust", w.store, "--at", "2026-12-04T09:00:00Z", "--allow-stale-status", other).must(t, exitUnknown)
	runCLI(t, "", "verify", "--trust", w.store, "--at", "2026-12-04T09:00:00Z", "--allow-stale-status", "--bundle-grace", "2d", other).must(t, exitUnknown)

	// Rollback: an older serial is refused and the store is unchanged.
	older := w.path("older.jws")
	runCLI(t, "", "bundle", "new", "--root", w.root, "--out", older, "--serial", "1", "--issuer-id", "id.example.cn",
		"--issuer-key", w.path("issuer.pub.jwk"), "--types", "identity").must(t, exitOK)
	newer := w.bundle(t) // serial 2
	runCLI(t, "", "trust", "import", "--trust", w.store, newer).must(t, exitOK)
	r = runCLI(t, "", "trust", "import", "--trust", w.store, older).must(t, exitUsage)
	if !strings.Contains(r.stderr, "bundle_rollback") {
		t.Fatalf("rollback not named:\n%s", r.stderr)
	}

	// A bundle signed by another root is untrusted.
	evil := w.path("evil.jwk")
	runCLI(t, "", "keys", "new", "--out", evil).must(t, exitOK)
	forged := w.path("forged.jws")
	runCLI(t, "", "bundle", "new", "--root", evil, "--out", forged, "--serial", "99", "--issuer-id", "id.example.cn",
		"--issuer-key", w.path("issuer.pub.jwk")).must(t, exitOK)
	r = runCLI(t, "", "trust", "import", "--trust", w.store, forged).must(t, exitUsage)
	if !strings.Contains(r.stderr, "bundle_untrusted") {
		t.Fatalf("untrusted bundle not named:\n%s", r.stderr)
	}
	runCLI(t, "", "verify", "--trust", w.store, other).must(t, exitOK)
}

func TestSyncFromStaticServer(t *testing.T) {
	w := newTrustWorld(t)
	text, _ := w.issueWithStatus(t)
	bundle := w.bundle(t)
	w.publish(t)
	data, _ := os.ReadFile(bundle)
	os.WriteFile(filepath.Join(w.www, "bundle.jws"), data, 0o644)
	srv := httptest.NewServer(http.FileServer(http.Dir(w.www)))
	defer srv.Close()
	w.initStore(t)
	r := runCLI(t, "", "sync", "--from", srv.URL, "--trust", w.store).must(t, exitOK)
	if !strings.Contains(r.stdout, "stored serial 1") || !strings.Contains(r.stdout, "status list: stored") {
		t.Fatalf("sync report:\n%s%s", r.stdout, r.stderr)
	}
	runCLI(t, "", "verify", "--trust", w.store, text).must(t, exitOK)
	runCLI(t, "", "sync", "--from", "ftp://nowhere", "--trust", w.store).must(t, exitUsage)
	runCLI(t, "", "sync", "--from", srv.URL+"/missing", "--trust", w.store).must(t, exitUsage)
}

func TestKeysRotate(t *testing.T) {
	w := newTrustWorld(t)
	config := w.write(t, "issuers.json", `{"issuers": [{"id": "id.example.cn", "name": "Example",
		"status_lists": [], "keys": [{"file": "issuer.pub.jwk", "max_level": "high", "types": ["identity"]}]}]}`)
	before := w.issue(t)
	rotation := fixedNow.Add(time.Hour)
	runCLIAt(t, rotation, "", "keys", "rotate", "--key", w.key, "--issuer-config", config).must(t, exitOK)
	after := strings.TrimSpace(runCLIAt(t, rotation.Add(time.Minute), "", "issue", "--key", w.key, "--type", "identity",
		"--level", "substantial", "--claims", w.claims).must(t, exitOK).stdout)
	bundle := w.path("bundle.jws")
	runCLIAt(t, rotation, "", "bundle", "new", "--root", w.root, "--out", bundle, "--issuer-config", config).must(t, exitOK)
	w.initStore(t)
	runCLI(t, "", "trust", "import", "--trust", w.store, bundle).must(t, exitOK)
	verifyAt := rotation.Add(2 * time.Hour).Format(time.RFC3339)
	// Both verify: the old key's credentials stay valid until they expire.
	runCLI(t, "", "verify", "--trust", w.store, "--at", verifyAt, before).must(t, exitOK)
	runCLI(t, "", "verify", "--trust", w.store, "--at", verifyAt, after).must(t, exitOK)
	retired, _ := filepath.Glob(w.key + ".*.retired")
	if len(retired) != 1 {
		t.Fatalf("old key not kept: %v", retired)
	}
	// What the old key signs after the rotation is not authorized.
	late := strings.TrimSpace(runCLIAt(t, rotation.Add(time.Minute), "", "issue", "--key", retired[0], "--type", "identity",
		"--level", "substantial", "--claims", w.claims).must(t, exitOK).stdout)
	r := runCLI(t, "", "verify", "--trust", w.store, "--at", verifyAt, late).must(t, exitInvalid)
	if !strings.Contains(r.stdout, "key_not_authorized") {
		t.Fatalf("late credential of the retired key:\n%s", r.stdout)
	}
}

func TestBundleShowAndErrors(t *testing.T) {
	w := newTrustWorld(t)
	w.issueWithStatus(t)
	bundle := w.bundle(t)
	r := runCLI(t, "", "bundle", "show", bundle).must(t, exitOK)
	if !strings.Contains(r.stdout, `"serial": 1`) || !strings.Contains(r.stdout, "a trust store must pin it") {
		t.Fatalf("bundle show:\n%s", r.stdout)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no issuer", []string{"bundle", "new", "--root", w.root, "--out", w.path("b.jws")}, "--issuer-config"},
		{"both modes", []string{"bundle", "new", "--root", w.root, "--out", w.path("b.jws"), "--issuer-config", "x", "--issuer-id", "y"}, "either"},
		{"bad level", []string{"bundle", "new", "--root", w.root, "--out", w.path("b.jws"), "--issuer-id", "x", "--issuer-key", w.key, "--max-level", "ultra"}, "ultra"},
		{"trust init bad thumbprint", []string{"trust", "init", "--trust", w.path("t2"), "--root-thumbprint", "nope"}, "thumbprint"},
		{"import into no store", []string{"trust", "import", "--trust", w.path("none"), bundle}, "trust init"},
		{"verify both", []string{"verify", "--trust", w.store, "--keys", w.jwks, "x"}, "not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("stderr lacks %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}
