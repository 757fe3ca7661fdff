package main

// Opening the issuer store for the commands that use it (issue, revoke,
// suspend, reinstate, status, clients, terminals, audit, bundle, serve,
// db): --db names a bbolt file, or a PostgreSQL database by a postgres://
// or postgresql:// URL.

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/netcred/netcred/issuer"
	"github.com/netcred/netcred/issuer/store/bolt"
	"github.com/netcred/netcred/issuer/store/postgres"
)

// storeFileName is the store's file inside a --status-dir DIR: --status-dir
// DIR is a synonym of --db DIR/issuer.db.
const storeFileName = "issuer.db"

// oldStatusDBName is the file of the status dirs of earlier netcred
// releases, which this one does not read.
const oldStatusDBName = "status.db"

// dbPath returns the store file named by --db or --status-dir ("" when
// neither is given).
func dbPath(db, dir string) string {
	if db != "" {
		return db
	}
	if dir != "" {
		return filepath.Join(dir, storeFileName)
	}
	return ""
}

// openService opens the store at path (creating it, and DIR for a
// --status-dir, when opts has a base URI) and the issuer rules over it,
// printing the error and a hint on failure. is may be nil for commands
// that sign nothing.
func openService(e *env, path string, is *issuer.Issuer, opts issuer.Options, readOnly bool) (*issuer.Service, int) {
	opts.Now = e.now
	if postgres.IsURL(path) {
		st, code := openPostgres(e, path, readOnly)
		if code != exitOK {
			return nil, code
		}
		if readOnly || opts.BaseURI == "" {
			err := st.View(func(tx issuer.Tx) error { _, err := tx.Config(); return err })
			if errors.Is(err, issuer.ErrNotFound) {
				st.Close()
				errorf(e, "no issuer store in %s (a new store needs a base URI for its status lists: --status-uri)", st.URL())
				hint(e, "check the --db URL, or create the store with its first credential: netcred issue ... --db '%s' --status-uri https://issuer.example/status/", st.URL())
				return nil, exitUsage
			} else if err != nil {
				st.Close()
				errorf(e, "%v", err)
				postgresHint(e, err)
				return nil, exitUsage
			}
		}
		return openRules(e, st, st.URL(), is, opts)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		dir := filepath.Dir(path)
		if _, err := os.Stat(filepath.Join(dir, oldStatusDBName)); err == nil && filepath.Base(path) == storeFileName {
			errorf(e, "%s holds a status dir of an earlier netcred (%s), which this release does not read", dir, oldStatusDBName)
			hint(e, "keep the old dir for verifying its published lists, and create a new store with --db PATH --status-uri BASE_URI naming a new base URI")
			return nil, exitUsage
		}
		if readOnly || opts.BaseURI == "" {
			errorf(e, "no issuer store at %s (a new store needs a base URI for its status lists: --status-uri)", path)
			hint(e, "check the --db path, or %s", e.storeUse.createHint(path))
			return nil, exitUsage
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			errorf(e, "%v", err)
			return nil, exitUsage
		}
	}
	st, err := bolt.Open(path, bolt.Options{ReadOnly: readOnly})
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrStoreLocked) {
			hint(e, "another netcred process, such as netcred serve, holds %s; %s", path, e.storeUse.busyHint())
		}
		return nil, exitUsage
	}
	return openRules(e, st, path, is, opts)
}

// storeUse is what a command does with the issuer store: the hints for a
// store that serve holds, or that does not exist yet, depend on it.
type storeUse int

const (
	useIssue    storeUse = iota // issue, issue --batch
	useStatus                   // revoke, suspend, reinstate
	usePublish                  // status publish
	useRead                     // status show
	useRegister                 // clients, terminals
	useServe                    // serve
	useAudit                    // audit verify, db copy
)

// busyHint says what to do when another process (serve) holds the store.
func (u storeUse) busyHint() string {
	switch u {
	case useStatus:
		return "while serve runs, go through its HTTP API (POST /v1/credentials/ID/revoke, /suspend or /reinstate with a client token), or stop it first"
	case usePublish:
		return "while serve runs it publishes the lists itself, within a second of each change (GET /v1/status lists them), so there is nothing to do; or stop it first"
	case useRead:
		return "while serve runs, go through its HTTP API (GET /v1/credentials/ID with a client token), or stop it first"
	case useRegister:
		return "clients and terminals are listed and changed with serve stopped: stop it (SIGTERM), run this again, then start serve again"
	case useServe:
		return "one netcred serve runs on a bbolt store: while it runs, go through its HTTP API, or stop it first; several instances need a shared PostgreSQL store (--db postgres://...)"
	case useAudit:
		return "stop it first (on SIGTERM it signs a last audit checkpoint), then run this again"
	}
	return "while serve runs, go through its HTTP API (POST /v1/credentials, POST /v1/credentials/ID/revoke with a client token), or stop it first"
}

// createHint says how to create the store path when it does not exist.
func (u storeUse) createHint(path string) string {
	switch u {
	case useServe:
		return "create the store by starting the service with its base URI: netcred serve --db " + path + " --status-uri https://issuer.example/status/ ..."
	case useRegister:
		return "create the store with its first client: netcred clients add --db " + path + " --status-uri https://issuer.example/status/ ..."
	}
	return "create the store with its first credential: netcred issue ... --db " + path + " --status-uri https://issuer.example/status/"
}

// openRules opens the issuer rules over st (named name in messages).
func openRules(e *env, st issuer.Store, name string, is *issuer.Issuer, opts issuer.Options) (*issuer.Service, int) {
	svc, err := issuer.Open(st, is, opts)
	if err != nil {
		st.Close()
		errorf(e, "%v", err)
		switch {
		case errors.Is(err, issuer.ErrStoreUnavailable):
			postgresHint(e, err)
		case errors.Is(err, issuer.ErrNoStore):
			hint(e, "%s", e.storeUse.createHint(name))
		case errors.Is(err, issuer.ErrStoreConfig):
			hint(e, "leave out --status-uri and --list-size: the store remembers them")
		}
		return nil, exitUsage
	}
	return svc, exitOK
}

// storeCommand is what the commands on the issuer store share: the --db
// flag (and --status-dir where the command takes it), the check of the
// arguments, and the check that a store is named.
type storeCommand struct {
	e       *env
	name    string // the command, e.g. "clients add"
	example string // a command line, the hint for a missing --db or argument
	fs      *cmdFlags
	db, dir *string // dir is nil for a command without --status-dir
}

// Arguments a storeCommand takes (its parse checks the count).
const (
	noArgs  = iota // none
	oneArg         // exactly one
	optArg         // at most one
	anyArgs        // the command checks them
)

// newStoreCommand returns the flags of the store command name, with --db
// and, when statusDir is set, --status-dir. The synopsis gets example as
// its example unless it has its own.
func newStoreCommand(e *env, name, synopsis, example string, statusDir bool) *storeCommand {
	if !strings.Contains(synopsis, "Example:") {
		synopsis += "\n\nExample:\n  " + example
	}
	c := &storeCommand{e: e, name: name, example: example, fs: newFlags(e, name, synopsis)}
	if statusDir {
		c.dir = c.fs.String("status-dir", "", "same as --db DIR/issuer.db")
		c.db = c.fs.String("db", "", "the issuer store (required, or --status-dir)")
	} else {
		c.db = c.fs.String("db", "", "the issuer store (required)")
	}
	return c
}

// parse parses args, checks that the command got args arguments (noArgs,
// oneArg or optArg; what names the argument in messages) and that a store
// is named. It returns the arguments and the store's path; when ok is
// false it has said why and code is the exit code.
func (c *storeCommand) parse(args []string, nargs int, what string) (rest []string, path string, code int, ok bool) {
	rest, code, ok = parseFlags(c.fs, args)
	if !ok {
		return nil, "", code, false
	}
	switch {
	case nargs == noArgs && len(rest) > 0:
		errorf(c.e, "%s takes no arguments, got %q", c.name, rest)
		return nil, "", exitUsage, false
	case nargs == oneArg && len(rest) != 1:
		errorf(c.e, "%s needs exactly one %s", c.name, what)
		hint(c.e, "%s", c.example)
		return nil, "", exitUsage, false
	case nargs == optArg && len(rest) > 1:
		errorf(c.e, "%s takes at most one %s, got %q", c.name, what, rest)
		return nil, "", exitUsage, false
	}
	if c.dir == nil {
		path = *c.db
	} else {
		path = dbPath(*c.db, *c.dir)
	}
	if path == "" {
		if c.dir == nil {
			errorf(c.e, "%s needs --db PATH", c.name)
		} else {
			errorf(c.e, "%s needs --db PATH (or --status-dir DIR)", c.name)
		}
		hint(c.e, "%s", c.example)
		return nil, "", exitUsage, false
	}
	return rest, path, exitOK, true
}

// openIssuerStore opens the records of the store named by --db, without the
// issuer rules (audit verify, db copy): a PostgreSQL database for a
// postgres:// URL, else a bbolt file (which must exist when readOnly).
func openIssuerStore(e *env, path string, readOnly bool) (storeSource, int) {
	if postgres.IsURL(path) {
		st, code := openPostgres(e, path, readOnly)
		if code != exitOK {
			return nil, code
		}
		return st, exitOK
	}
	st, err := bolt.Open(path, bolt.Options{ReadOnly: readOnly})
	if err != nil {
		errorf(e, "%v", err)
		if errors.Is(err, issuer.ErrStoreLocked) {
			hint(e, "another netcred process, such as netcred serve, holds %s; %s", path, useAudit.busyHint())
		}
		return nil, exitUsage
	}
	return st, exitOK
}

// storeSource is a store whose every record can be listed (db copy).
type storeSource interface {
	issuer.Store
	Export(fn func(rec any) error) error
}

// openPostgres connects to the database at url and applies its pending
// schema migrations (a read-only open refuses a schema that needs them).
// Messages never show the URL's password.
func openPostgres(e *env, url string, readOnly bool) (*postgres.Store, int) {
	st, err := postgres.Open(context.Background(), url, postgres.Options{ReadOnly: readOnly})
	if err != nil {
		errorf(e, "%v", err)
		postgresHint(e, err)
		return nil, exitUsage
	}
	return st, exitOK
}

// postgresHint gives the hint for an error of the PostgreSQL store.
func postgresHint(e *env, err error) {
	switch {
	case errors.Is(err, postgres.ErrURL):
		hint(e, "--db takes a file path or a URL such as postgres://netcred@db.example:5432/netcred?sslmode=verify-full&sslrootcert=/etc/netcred/db-ca.pem")
	case errors.Is(err, postgres.ErrSchemaNewer):
		hint(e, "a newer netcred migrated this database: run that release (or a later one) of netcred against it")
	case errors.Is(err, postgres.ErrSchemaOld):
		hint(e, "apply the schema migrations first: netcred db migrate --db URL")
	case errors.Is(err, issuer.ErrStoreUnavailable):
		hint(e, "check that PostgreSQL runs at the URL's host and port and accepts the URL's user, database and sslmode; netcred retries nothing by itself here")
	}
}

// displayDB is how messages name the store at path: a PostgreSQL URL
// without its password.
func displayDB(path string) string {
	if postgres.IsURL(path) {
		return postgres.Redact(path)
	}
	return path
}
