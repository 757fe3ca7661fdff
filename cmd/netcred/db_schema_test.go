package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// TestNewerSchemaRefused drives issue 8's "serve refuses to run on a
// schema newer than it knows" through the CLI: serve, and every other
// command on a PostgreSQL --db, exits 2 with the error and a hint, and
// leaves the database as it found it.
func TestNewerSchemaRefused(t *testing.T) {
	u := pgtest.URL(t)
	w := newWorkspace(t)
	// A store with a credential, then a migration this netcred does
	// not know, as a newer release would have applied it.
	runCLI(t, "", "issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims,
		"--db", u, "--status-uri", "https://id.example/s/").must(t, exitOK)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	future := postgres.SchemaVersion + 1
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from a newer netcred')`, future); err != nil {
		t.Fatal(err)
	}
	count := func() (creds, audit int) {
		t.Helper()
		if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM credentials), (SELECT count(*) FROM audit)`).Scan(&creds, &audit); err != nil {
			t.Fatal(err)
		}
		return creds, audit
	}
	creds, audit := count()

	for _, args := range [][]string{
		{"serve", "--db", u, "--key", w.key, "--listen", "127.0.0.1:0"},
		{"issue", "--key", w.key, "--type", "identity", "--level", "substantial", "--claims", w.claims, "--db", u},
		{"db", "migrate", "--db", u},
		{"clients", "add", "--db", u, "--name", "app", "--max-level", "low", "--types", "identity"},
		{"clients", "list", "--db", u},
		{"status", "show", "--db", u},
		{"audit", "verify", "--db", u},
		{"db", "copy", "--from", u, "--to", w.path("copy.db")},
	} {
		name := args[0]
		if !strings.HasPrefix(args[1], "-") {
			name += " " + args[1]
		}
		t.Run(name, func(t *testing.T) {
			done := make(chan cliResult, 1)
			go func() { done <- runCLI(t, "", args...) }()
			var r cliResult
			select {
			case r = <-done:
			case <-time.After(60 * time.Second):
				t.Fatalf("%s on a schema newer than this netcred's still runs after 60 s; want exit 2", name)
			}
			if r.code != exitUsage {
				t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, r.code, exitUsage, r.stdout, r.stderr)
			}
			for _, want := range []string{"schema is newer than this netcred", "netcred: hint: a newer netcred migrated this database"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("%s: stderr lacks %q:\n%s", name, want, r.stderr)
				}
			}
		})
	}
	if c, a := count(); c != creds || a != audit {
		t.Errorf("after the refusals: %d credentials, %d audit entries; want %d, %d (unchanged)", c, a, creds, audit)
	}
	var v int
	if err := conn.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil || v != future {
		t.Errorf("schema version after the refusals: %d, %v; want %d", v, err, future)
	}
}
