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

// URL creates a fresh, empty database netcred_test_<random> and returns
// its URL; the database is dropped (connections closed) when t ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := Need(t)
	var rnd [8]byte
	rand.Read(rnd[:])
	name := "netcred_test_" + hex.EncodeToString(rnd[:])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: dropping %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvServer, err)
	}
	u.Path = "/" + name
	return u.String()
}
