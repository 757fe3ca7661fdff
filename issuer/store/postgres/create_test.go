package postgres_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
	"github.com/netcred/netcred/keys"
)

// TestConcurrentCreate: instances rolled out together on an empty
// database (`netcred serve --db postgres://... --status-uri ...` started N
// times at once) all start, on one store: the schema applied once, one
// configuration, one first list, one init entry, one key entry, one
// audit chain.
func TestConcurrentCreate(t *testing.T) {
	u := pgtest.URL(t)
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var wg sync.WaitGroup
	svcs := make([]*issuer.Service, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			st, err := postgres.Open(context.Background(), u, postgres.Options{})
			if err != nil {
				errs[i] = err
				return
			}
			svcs[i], errs[i] = issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://id.example/s/", ListSize: 1 << 12})
			if errs[i] != nil {
				st.Close()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	// Each issues one credential: four entries, none twice.
	seen := map[string]bool{}
	for i, svc := range svcs {
		if svc == nil {
			continue
		}
		out, err := svc.Issue(req, issuer.IssueInfo{Client: "t"})
		if err != nil {
			t.Errorf("instance %d: issue: %v", i, err)
			continue
		}
		id := issuer.CredentialID(out.Claims.Status)
		if seen[id] {
			t.Errorf("status entry %s given twice", id)
		}
		seen[id] = true
	}
	for _, svc := range svcs {
		if svc != nil {
			svc.Close()
		}
	}
	conn := connect(t, u)
	ctx := context.Background()
	for _, c := range []struct {
		sql  string
		want int
	}{
		{`SELECT count(*) FROM config`, 1},
		{`SELECT count(*) FROM lists`, 1},
		{`SELECT count(*) FROM credentials`, len(seen)},
		{`SELECT count(*) FROM audit WHERE convert_from(body, 'UTF8')::json->>'kind' = 'init'`, 1},
		{`SELECT count(*) FROM audit WHERE convert_from(body, 'UTF8')::json->>'kind' = 'list'`, 1},
		{`SELECT count(*) FROM audit WHERE convert_from(body, 'UTF8')::json->>'kind' = 'key'`, 1},
		{`SELECT count(*) FROM schema_migrations`, postgres.SchemaVersion},
	} {
		var got int
		if err := conn.QueryRow(ctx, c.sql).Scan(&got); err != nil || got != c.want {
			t.Errorf("%s = %d, %v; want %d", c.sql, got, err, c.want)
		}
	}
	st := open(t, u, postgres.Options{ReadOnly: true})
	r, err := issuer.VerifyAudit(st, key.Public())
	if err != nil || !r.OK() {
		t.Fatalf("VerifyAudit = %+v, %v; want one unbroken chain", r, err)
	}
}

// TestNewerMigrationUnderRunningStore pins spec/issuer.md §2.10: the
// schema version is checked when a store opens, not while it runs. A
// store already open keeps reading and writing when a newer release
// records a migration under it; a store opened after that refuses.
func TestNewerMigrationUnderRunningStore(t *testing.T) {
	u := pgtest.URL(t)
	key, err := keys.Generate(credential.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	st := open(t, u, postgres.Options{})
	svc, err := issuer.Open(st, issuer.New(key, nil), issuer.Options{BaseURI: "https://id.example/s/", ListSize: 1 << 12, Reserve: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Issue(req, issuer.IssueInfo{Client: "t"}); err != nil {
		t.Fatal(err)
	}
	if _, err := connect(t, u).Exec(context.Background(), `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from a newer netcred')`, postgres.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Issue(req, issuer.IssueInfo{Client: "t"}); err != nil {
		t.Errorf("issue on a store open before the newer migration: %v; want it to keep working", err)
	}
	if _, err := postgres.Open(context.Background(), u, postgres.Options{}); !errors.Is(err, postgres.ErrSchemaNewer) {
		t.Errorf("Open after the newer migration: %v; want ErrSchemaNewer", err)
	}
}

// TestMigrationsOnlyAdd pins the other half of that rule for this
// release: its migrations after the first only add (no DROP, RENAME,
// column type change, TRUNCATE, DELETE or UPDATE), so that an instance of
// the release before keeps running on the migrated schema. A migration
// that must remove goes in a later release, or its release notes say to
// stop the older instances first (and this test names it as an exception).
func TestMigrationsOnlyAdd(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) != postgres.SchemaVersion {
		t.Fatalf("migrations: %v, %v; want %d files", files, err, postgres.SchemaVersion)
	}
	removing := regexp.MustCompile(`(?i)\b(drop|rename|truncate|delete|update)\b|\balter\s+column\b.*\btype\b`)
	for _, f := range files[1:] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			code, _, _ := strings.Cut(line, "--")
			if m := removing.FindString(code); m != "" {
				t.Errorf("%s:%d: %q: a migration after the first removes or changes (%s); spec/issuer.md §2.10 wants it to only add", f, i+1, strings.TrimSpace(line), m)
			}
		}
	}
}
