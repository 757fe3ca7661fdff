// Package pgtest gives tests a fresh PostgreSQL database: URL creates
// netcred_test_<random> on the server named by NETCRED_TEST_POSTGRES and
// drops it when the test ends.
//
// The server URL defaults to DefaultServer when that server answers.
// Without a server, a test that calls URL is skipped with a message that
// says how to run it; with CI=true (as .ci/run sets) it fails instead, so
// that a CI run without PostgreSQL cannot pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/netcred/netcred/issuer/store/postgres"
)

// EnvServer names the environment variable holding the server's URL (a
// role that may create databases, connected to an existing database).
const EnvServer = "NETCRED_TEST_POSTGRES"

// DefaultServer is the server tried when EnvServer is unset: the
// machine's PostgreSQL with trust authentication.
const DefaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	probeOnce sync.Once
	probeURL  string
	probeErr  error
)

// Server returns the admin URL of the test server, or an error saying
// why there is none.
func Server() (string, error) {
	probeOnce.Do(func() {
		probeURL = os.Getenv(EnvServer)
		if probeURL == "" {
			probeURL = DefaultServer
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, probeURL)
		if err != nil {
			probeErr = fmt.Errorf("no PostgreSQL server at %s: %v", postgres.Redact(probeURL), err)
			return
		}
		sweep(ctx, conn)
		conn.Close(ctx)
	})
	return probeURL, probeErr
}

// Need skips t, or fails it when CI=true, when there is no test server;
// it returns the server's admin URL.
func Need(t testing.TB) string {
	t.Helper()
	u, err := Server()
	if err != nil {
		msg := fmt.Sprintf("%v; to run the PostgreSQL tests, start a server and set %s=postgres://USER@HOST:PORT/postgres?sslmode=disable (a role that may CREATE DATABASE)", err, EnvServer)
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: %s", msg)
		}
		t.Skip(msg)
	}
	return u
}

// staleAfter is the age past which a test database is taken for one left
// behind by a test binary that died, and dropped.
const staleAfter = 2 * time.Hour

// sweep drops the test databases (netcred_test_UNIX_RANDOM) created more
// than staleAfter ago.
func sweep(ctx context.Context, conn *pgx.Conn) {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'netcred\_test\_%'`)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		parts := strings.Split(n, "_")
		if len(parts) != 4 {
			continue
		}
		at, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil || time.Since(time.Unix(at, 0)) < staleAfter {
			continue
		}
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
	}
}

// URL creates a fresh, empty database netcred_test_<random> and returns
// its URL; the database is dropped (connections closed) when t ends.
func URL(t testing.TB) string {
	t.Helper()
	u, drop, err := Create(Need(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return u
}

// Create creates a fresh database netcred_test_<random> on the server at
// admin and returns its URL and a function that drops it.
func Create(admin string) (string, func() error, error) {
	var rnd [6]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("netcred_test_%d_%s", time.Now().Unix(), hex.EncodeToString(rnd[:]))
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %v", EnvServer, err)
	}
	u.Path = "/" + name
	if err := adminExec(admin, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("creating database %s: %v", name, err)
	}
	drop := func() error {
		if err := adminExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("dropping database %s: %v", name, err)
		}
		return nil
	}
	return u.String(), drop, nil
}

func adminExec(admin, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
