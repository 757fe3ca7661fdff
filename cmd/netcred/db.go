package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/postgres"
	"github.com/netcred/netcred/issuer/store/storecopy"
)

const dbUsage = `Usage:
  netcred db migrate --db URL
      apply the pending schema migrations to a PostgreSQL database (all in
      one transaction, under an advisory lock, so that instances starting
      together do not race) and print the schema version
  netcred db copy --from DB --to DB
      copy every record of an issuer store (configuration, lists,
      credentials, status changes, clients, terminals, used-once and
      idempotency records, audit entries and checkpoints, key expiries,
      offers) into an empty store, none changed; then compare the two
      record by record and verify the target's audit chain (the published
      status list tokens are not copied: the target's service signs anew)

DB is a bbolt file or a PostgreSQL URL, as every --db of netcred takes:
  postgres://USER[:PASSWORD]@HOST[:PORT]/DBNAME?sslmode=MODE[&sslrootcert=FILE]
(postgresql:// too). sslmode: disable (no TLS), prefer (TLS when the server
offers it: the default), require (TLS, certificate not checked), verify-ca
(TLS, certificate checked against sslrootcert), verify-full (verify-ca and
the host name). sslcert and sslkey give a client certificate;
connect_timeout, application_name and pool_max_conns are read too. Keep the
password out of the URL: PGPASSWORD and ~/.pgpass are read as by libpq.
Messages never show it.

Every command that opens a PostgreSQL store applies its pending migrations
first (the read-only ones, such as audit verify and clients list, refuse
instead and say to run db migrate), and refuses a schema newer than this
netcred knows. Stop every netcred serve before db copy from a bbolt file;
stop writing to a PostgreSQL source while it copies.

Examples:
  netcred db migrate --db 'postgres://netcred@db.example:5432/netcred?sslmode=verify-full&sslrootcert=/etc/netcred/db-ca.pem'
  netcred db copy --from issuer.db --to 'postgres://netcred@db.example/netcred?sslmode=verify-full'
`

func runDB(args []string, e *env) int {
	return runGroup(e, "db", dbUsage, args, map[string]func([]string, *env) int{"migrate": runDBMigrate, "copy": runDBCopy})
}

func runDBMigrate(args []string, e *env) int {
	const example = "netcred db migrate --db 'postgres://netcred@127.0.0.1:5432/netcred?sslmode=require'"
	fs := newFlags(e, "db migrate", "db migrate --db URL\n\nExample:\n  "+example)
	db := fs.String("db", "", "the PostgreSQL database (postgres://...; required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "db migrate takes no arguments, got %q", rest)
		return exitUsage
	}
	if *db == "" {
		errorf(e, "db migrate needs --db URL")
		hint(e, "%s", example)
		return exitUsage
	}
	if !postgres.IsURL(*db) {
		errorf(e, "db migrate: %s is not a PostgreSQL URL (a bbolt file needs no migrations: netcred upgrades it when it opens it)", *db)
		hint(e, "%s", example)
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	from, to, err := postgres.Migrate(ctx, *db)
	if err != nil {
		errorf(e, "%v", err)
		postgresHint(e, err)
		return exitUsage
	}
	if from == to {
		fmt.Fprintf(e.stdout, "schema version %d (up to date)\n", to)
	} else {
		fmt.Fprintf(e.stdout, "schema version %d (applied migrations %d to %d)\n", to, from+1, to)
	}
	return exitOK
}

func runDBCopy(args []string, e *env) int {
	const example = "netcred db copy --from issuer.db --to 'postgres://netcred@db.example/netcred?sslmode=verify-full'"
	fs := newFlags(e, "db copy", "db copy --from DB --to DB\n\nExample:\n  "+example)
	from := fs.String("from", "", "the source store: a bbolt file or postgres:// URL (required)")
	to := fs.String("to", "", "the target store, empty: a bbolt file or postgres:// URL (required)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		errorf(e, "db copy takes no arguments, got %q", rest)
		return exitUsage
	}
	if *from == "" || *to == "" {
		errorf(e, "db copy needs --from DB and --to DB")
		hint(e, "%s", example)
		return exitUsage
	}
	if !postgres.IsURL(*from) {
		if _, err := os.Stat(*from); err != nil {
			errorf(e, "--from: no issuer store at %s", *from)
			hint(e, "name the bbolt file that netcred serve or netcred issue --db uses, or a postgres:// URL")
			return exitUsage
		}
	}
	if *from == *to || (!postgres.IsURL(*from) && !postgres.IsURL(*to) && sameFile(*from, *to)) {
		errorf(e, "db copy: --from and --to name the same store")
		return exitUsage
	}
	src, code := openIssuerStore(e, *from, true)
	if code != exitOK {
		return code
	}
	defer src.Close()
	if !postgres.IsURL(*to) {
		if err := os.MkdirAll(filepath.Dir(*to), 0o700); err != nil {
			errorf(e, "--to: %v", err)
			return exitUsage
		}
	}
	dst, code := openIssuerStore(e, *to, false)
	if code != exitOK {
		return code
	}
	defer dst.Close()
	toName := *to
	if ps, ok := dst.(*postgres.Store); ok {
		toName = ps.URL()
	}

	bar := newCopyBar(e)
	counts, err := storecopy.Copy(dst, src, func(n int) {
		if bar != nil {
			bar.Set(n)
		}
	})
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(e.stderr)
	}
	switch {
	case errors.Is(err, storecopy.ErrTargetNotEmpty):
		errorf(e, "db copy: %s already holds issuer records; the copy goes into an empty store only", toName)
		hint(e, "create a new database (createdb netcred) or name a new file; nothing was written")
		return exitUsage
	case errors.Is(err, storecopy.ErrMismatch):
		errorf(e, "db copy: %v", err)
		hint(e, "the target is incomplete: drop it and copy again into an empty store; netcred audit verify --db on the source checks its log")
		return exitInvalid
	case err != nil:
		errorf(e, "db copy: %v", err)
		postgresHint(e, err)
		hint(e, "the target may hold part of the records: drop it and copy again into an empty store")
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "copied %d records to %s: %d config, %d lists, %d credentials, %d status changes, %d clients, %d terminals, %d used-once, %d idempotency, %d audit entries, %d checkpoints, %d key expiries, %d offers\n",
		counts.Total(), toName, counts.Config, counts.Lists, counts.Credentials, counts.StatusChanges, counts.Clients, counts.Terminals,
		counts.UsedOnce, counts.Idempotency, counts.Audit, counts.Checkpoints, counts.KeyExpiries, counts.Offers)
	r, err := issuer.VerifyAudit(dst)
	if err != nil {
		errorf(e, "verifying the target's audit log: %v", err)
		return exitInvalid
	}
	for _, p := range r.Problems {
		errorf(e, "target audit entry %d %s: %s", p.Seq, p.Kind, p.Detail)
	}
	if !r.OK() {
		hint(e, "the source's log has the same problems: netcred audit verify --db %s", displayDB(*from))
		return exitInvalid
	}
	fmt.Fprintf(e.stdout, "target audit log ok: %d entries, %d signed checkpoints, signed up to entry %d\n", r.Entries, r.Checkpoints, r.Covered)
	return exitOK
}

// sameFile reports whether two paths name one existing file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// newCopyBar returns a progress counter on standard error when it is a
// terminal, else nil.
func newCopyBar(e *env) *progressbar.ProgressBar {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("copying"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rec"),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}
