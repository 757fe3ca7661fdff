package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netcred/netcred/issuer/store/bolt"
)

// TestStoreInUseHints: while another process (serve) holds a bbolt store,
// every command on it fails within the lock timeout, exit 2, with a hint
// that fits what it tried to do: the HTTP API for what the API does, a
// stop of serve for what it does not (clients, terminals, audit).
func TestStoreInUseHints(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	w := newWorkspace(t)
	dir := w.path("status")
	_, id := w.issueWithStatus(t, dir)
	db := filepath.Join(dir, "issuer.db")
	w.write(t, "desk.pub.jwk", runCLI(t, "", "keys", "new", "--out", w.path("desk.jwk")).must(t, exitOK).stdout)
	held, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Close() }) // after the parallel subtests, not when this function returns

	cases := []struct {
		name string
		args []string
		want string // in the hint
		not  string // never in the hint
	}{
		{"issue", []string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims, "--db", db}, "POST /v1/credentials", ""},
		{"revoke", []string{"revoke", "--db", db, id}, "POST /v1/credentials/ID/revoke", ""},
		{"status publish", []string{"status", "publish", "--db", db, "--key", w.key, "--out", w.path("www")}, "publishes the lists itself", "POST"},
		{"clients add", []string{"clients", "add", "--db", db, "--name", "app", "--max-level", "substantial", "--types", "identity"}, "clients and terminals are listed and changed with serve stopped", "POST"},
		{"clients list", []string{"clients", "list", "--db", db}, "with serve stopped", "POST"},
		{"status show", []string{"status", "show", "--db", db, id}, "GET /v1/credentials/ID", "POST"},
		{"clients revoke", []string{"clients", "revoke", "--db", db, "--name", "app"}, "with serve stopped", "POST"},
		{"terminals add", []string{"terminals", "add", "--db", db, "--name", "desk-7", "--key", w.path("desk.pub.jwk")}, "with serve stopped", "POST"},
		{"audit verify", []string{"audit", "verify", "--db", db}, "last audit checkpoint", "POST"},
		{"serve", []string{"serve", "--db", db, "--key", w.key, "--listen", "127.0.0.1:0"}, "several instances need a shared PostgreSQL store", "POST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if !strings.Contains(r.stderr, "store is in use by another process") {
				t.Fatalf("stderr does not say the store is in use:\n%s", r.stderr)
			}
			_, h, _ := strings.Cut(r.stderr, "hint: ")
			if !strings.Contains(h, "such as netcred serve") || !strings.Contains(h, tc.want) {
				t.Errorf("hint lacks %q:\n%s", tc.want, r.stderr)
			}
			if tc.not != "" && strings.Contains(h, tc.not) {
				t.Errorf("hint names %q, which does not do what %s does:\n%s", tc.not, tc.name, r.stderr)
			}
		})
	}
}

// TestNewStoreHints: a command that needs an existing store, given a path
// where there is none, says how to create one with a command that can.
func TestNewStoreHints(t *testing.T) {
	w := newWorkspace(t)
	db := w.path("none.db")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"serve", []string{"serve", "--db", db, "--key", w.key, "--listen", "127.0.0.1:0"}, "netcred serve --db " + db + " --status-uri "},
		{"clients add", []string{"clients", "add", "--db", db, "--name", "app", "--max-level", "substantial", "--types", "identity"}, "netcred clients add --db " + db + " --status-uri "},
		{"issue", []string{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims, "--db", db}, "netcred issue ... --db " + db + " --status-uri "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", tc.args...).must(t, exitUsage)
			if !strings.Contains(r.stderr, "needs a base URI for its status lists: --status-uri") || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr lacks the --status-uri hint %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}
