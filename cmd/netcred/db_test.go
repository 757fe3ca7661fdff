package main

import (
	"fmt"
	"os"

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
