package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/netcred/netcred/issuer/store/postgres/pgtest"
)

// scriptCondition gives the scripts [postgres]: true when the test
// PostgreSQL server answers, and under CI=true (where pgdb then fails
// rather than the script being skipped).
func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "postgres":
		_, err := pgtest.Server()
		return err == nil || os.Getenv("CI") == "true", nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// cmdPgDB creates a fresh database on the test server, dropped when the
// script ends, and sets the variable NAME to its URL: pgdb NAME.
func cmdPgDB(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pgdb NAME")
	}
	admin, err := pgtest.Server()
	if err != nil {
		ts.Fatalf("%v (set %s)", err, pgtest.EnvServer)
	}
	u, drop, err := pgtest.Create(admin)
	ts.Check(err)
	ts.Defer(func() {
		if err := drop(); err != nil {
			ts.Logf("%v", err)
		}
	})
	ts.Setenv(args[0], u)
}

// cmdPgExec runs SQL statements on a database, as its owner could
// (tampering tests): pgexec URL SQL...
func cmdPgExec(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: pgexec URL SQL...")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, args[0])
	ts.Check(err)
	defer conn.Close(ctx)
	for _, sql := range args[1:] {
		_, err = conn.Exec(ctx, sql)
		if err != nil {
			break
		}
	}
	if neg {
		if err == nil {
			ts.Fatalf("pgexec succeeded")
		}
		ts.Logf("%v", err)
		return
	}
	ts.Check(err)
}
