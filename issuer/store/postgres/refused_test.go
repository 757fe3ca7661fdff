package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/credential"
	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// dbName returns the database a URL names.
func dbName(t testing.TB, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(p.Path, "/")
}

// TestUnavailableServerRefuses: a server that answers but refuses the
// store's connections (the database closed to connections for
// maintenance, dropped, or the role's login refused) is a store that
// cannot be used now, issuer.ErrStoreUnavailable (503 with a Retry-After
// from the service), never an internal error; the store reconnects by
// itself once the server accepts it again. Issue 8: "requests fail with
// 503 and a Retry-After while it is down ... service resumes by itself".
func TestUnavailableServerRefuses(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	name := dbName(t, u)
	admin := connect(t, pgtest.Need(t))
	st := open(t, u, postgres.Options{})
	put := func(i int) error {
		return st.Update(func(tx issuer.Tx) error {
			return tx.InsertCredential(&issuer.CredentialRecord{List: 1, Index: uint64(i), Level: credential.LevelLow})
		})
	}
	if err := put(1); err != nil {
		t.Fatal(err)
	}
	closeDB := func(allow bool) {
		t.Helper()
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" ALLOW_CONNECTIONS "+map[bool]string{true: "true", false: "false"}[allow]); err != nil {
			t.Fatal(err)
		}
		if !allow {
			var n int
			if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1`, name).Scan(&n); err != nil || n == 0 {
				t.Fatalf("terminating the store's sessions: %d, %v; want at least one", n, err)
			}
		}
	}
	closeDB(false)
	t.Cleanup(func() { admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" ALLOW_CONNECTIONS true") })
	// The first write may meet a session that is being terminated; the
	// next ones must each meet the refusal to connect.
	for i := 2; i < 5; i++ {
		err := put(i)
		if !errors.Is(err, issuer.ErrStoreUnavailable) {
			t.Errorf("Update %d with the database closed to connections: %v; want ErrStoreUnavailable", i, err)
		}
	}
	if _, err := postgres.Open(ctx, u, postgres.Options{}); !errors.Is(err, issuer.ErrStoreUnavailable) {
		t.Errorf("Open with the database closed to connections: %v; want ErrStoreUnavailable", err)
	}
	// A database that does not exist (dropped, or a typo in the URL) is
	// not there to be used either.
	gone := strings.Replace(u, "/"+name, "/"+name+"_gone", 1)
	if _, err := postgres.Open(ctx, gone, postgres.Options{}); !errors.Is(err, issuer.ErrStoreUnavailable) {
		t.Errorf("Open of a database that does not exist: %v; want ErrStoreUnavailable", err)
	}
	closeDB(true)
	if err := put(5); err != nil {
		t.Errorf("Update after the database accepts connections again: %v; want the store to reconnect", err)
	}
}
